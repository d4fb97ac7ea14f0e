// 11st carrier codes (dlvEtprsCd) accepted by 발송처리, from the union table of the reference §5.4.
export const CARRIER_CODES: ReadonlySet<string> = new Set(
  [
    2, 7, 11, 12, 21, 22, 23, 25, 26, 27, 34, 35, 36, 37, 38, 39, 40, 41, 42, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53,
    54, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 77, 79, 80, 81, 82, 83, 85, 86, 87, 88,
    89, 90, 91, 92, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 111, 112, 113, 114, 115,
    116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 133, 134, 135, 136, 137, 138, 139,
    140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 151,
  ].map((n) => String(n).padStart(5, '0')),
);

/** 발송처리 request codes → the codes order lists report back (reference §5.5, inferred). */
export const DISPATCH_METHOD_TO_RESPONSE: Readonly<Record<string, string>> = {
  '01': '01', // 택배
  '03': '05', // 직접(화물배달)
  '04': '06', // 퀵서비스
  '05': '99', // 배송없음
};

/** 취소거부 request codes → response codes (adds 02 우편). */
export const REJECT_METHOD_TO_RESPONSE: Readonly<Record<string, string>> = {
  ...DISPATCH_METHOD_TO_RESPONSE,
  '02': '04', // 우편(소포/등기)
};
