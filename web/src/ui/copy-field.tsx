import { useRef, useState } from 'react';
import { Button } from './form.tsx';

/**
 * Read-only text with a Copy button, for values made to be pasted elsewhere (IP lists, tokens).
 * When the clipboard is refused, the text is selected so Ctrl+C still works, and the user is told so.
 */
export function CopyField(props: { value: string; label: string; copyLabel: string; copiedLabel: string; failedText: string; testId?: string }) {
  const ref = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<'copied' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      setState('copied');
    } catch {
      ref.current?.select();
      setState('failed');
    }
  };
  return (
    <div className="copy-field" data-testid={props.testId}>
      <div className="token-row">
        <input ref={ref} className="token-value" readOnly value={props.value} aria-label={props.label} onFocus={(e) => e.target.select()} />
        <Button type="button" onClick={() => void copy()}>
          {state === 'copied' ? `✓ ${props.copiedLabel}` : props.copyLabel}
        </Button>
      </div>
      {state === 'failed' && <p className="field-error">{props.failedText}</p>}
    </div>
  );
}
