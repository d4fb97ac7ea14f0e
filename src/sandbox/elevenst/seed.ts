// Realistic Korean test data: buyers, addresses, phones and a small catalogue with options.
// Names deliberately include CP949/UHC-only syllables (똠 햏 뷁 샾 쌰) because those are the ones
// that break naive EUC-KR decoders.

export type Rng = () => number;

/** mulberry32: small, fast, deterministic. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

export function intBetween(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

function digits(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(Math.floor(rng() * 10));
  return s;
}

const SURNAMES = ['김', '이', '박', '최', '정', '강', '조', '윤', '장', '임', '한', '오', '서', '신', '권', '황', '안', '송', '류', '홍'];
const GIVEN = ['민준', '서연', '지호', '하은', '도윤', '서윤', '예준', '지우', '시우', '수아', '주원', '하린', '건우', '지민', '현우', '채원'];
// UHC syllables outside the 2,350 KS X 1001 set: plain EUC-KR cannot carry them, CP949 can.
const GIVEN_UHC = ['똠이', '햏순', '뷁진', '샾희', '쌰롬', '똠햏', '뷁영'];

export function koreanName(rng: Rng): string {
  const given = rng() < 0.25 ? pick(rng, GIVEN_UHC) : pick(rng, GIVEN);
  return pick(rng, SURNAMES) + given;
}

export interface KoreanAddress {
  base: string;
  detail: string;
  postalCode: string;
  buildingNo: string;
}

const ADDRESSES: ReadonlyArray<readonly [string, string]> = [
  ['서울특별시 강남구 테헤란로 152', '06236'],
  ['서울특별시 마포구 양화로 45', '04036'],
  ['서울특별시 송파구 올림픽로 300', '05551'],
  ['부산광역시 해운대구 해운대해변로 264', '48099'],
  ['경기도 성남시 분당구 판교역로 235', '13494'],
  ['경기도 수원시 영통구 광교중앙로 140', '16508'],
  ['대구광역시 중구 동성로2길 80', '41911'],
  ['인천광역시 연수구 송도과학로 32', '21984'],
  ['광주광역시 서구 상무중앙로 110', '61949'],
  ['대전광역시 유성구 대학로 99', '34134'],
  ['울산광역시 남구 삼산로 274', '44704'],
  ['제주특별자치도 제주시 첨단로 242', '63309'],
  ['강원특별자치도 춘천시 중앙로 1', '24266'],
  ['경상남도 창원시 성산구 중앙대로 151', '51495'],
];
const DETAILS = ['101동 1203호', '3층 샾 앞', '202호', '별관 1층 뷁카페 옆', 'B동 504호', '상가 2층', '1층 똠햏상회'];

export function koreanAddress(rng: Rng): KoreanAddress {
  const [base, postalCode] = pick(rng, ADDRESSES);
  return { base, detail: pick(rng, DETAILS), postalCode, buildingNo: digits(rng, 25) };
}

export function mobilePhone(rng: Rng): string {
  return `010-${digits(rng, 4)}-${digits(rng, 4)}`;
}

export function landline(rng: Rng): string {
  // Real rows often carry an empty landline written as `02--`.
  return rng() < 0.5 ? '02--' : `02-${digits(rng, 3)}-${digits(rng, 4)}`;
}

const MEMOS = ['부재 시 문 앞에 놓아주세요', '경비실에 맡겨주세요', '배송 전 연락 바랍니다', '파손 주의 부탁드립니다'];

/** A delivery memo, or null (rendered as the literal `null`, as real rows sometimes do). */
export function deliveryMemo(rng: Rng): string | null {
  const r = rng();
  if (r < 0.2) return null;
  if (r < 0.4) return '';
  return pick(rng, MEMOS);
}

export function maskedMemberId(rng: Rng): string {
  const ids = ['kimsh', 'parkjy', 'tomhaeng', 'leeby', 'choi77', 'shopper'];
  return `${pick(rng, ids).slice(0, 3)}***`;
}

export function randomDigits(rng: Rng, n: number): string {
  return digits(rng, n);
}

export interface CatalogueOption {
  name: string; // e.g. "색상/사이즈:아이보리/100cm"
  sellerStockCd: string;
  stckQty: number;
  addPrc?: number;
}

export interface CatalogueProduct {
  sellerPrdCd: string;
  prdNm: string;
  selPrc: number;
  options: CatalogueOption[];
}

/** The demo catalogue created for a seller before random orders are generated. */
export const CATALOGUE: readonly CatalogueProduct[] = [
  {
    sellerPrdCd: 'BLK-ORGANIC',
    prdNm: '오가닉 코튼 블랭킷',
    selPrc: 39000,
    options: [
      { name: '색상/사이즈:아이보리/100cm', sellerStockCd: 'BLK-IV-100', stckQty: 120 },
      { name: '색상/사이즈:아이보리/150cm', sellerStockCd: 'BLK-IV-150', stckQty: 80, addPrc: 10000 },
      { name: '색상/사이즈:그레이/100cm', sellerStockCd: 'BLK-GY-100', stckQty: 60 },
      { name: '색상/사이즈:그레이/150cm', sellerStockCd: 'BLK-GY-150', stckQty: 40, addPrc: 10000 },
    ],
  },
  {
    sellerPrdCd: 'EAR-BT5',
    prdNm: '무선 블루투스 이어폰 BT5.3',
    selPrc: 29900,
    options: [
      { name: '색상:블랙', sellerStockCd: 'EAR-BK', stckQty: 300 },
      { name: '색상:화이트', sellerStockCd: 'EAR-WH', stckQty: 250 },
    ],
  },
  {
    sellerPrdCd: 'TUM-500',
    prdNm: '스테인리스 텀블러 500ml',
    selPrc: 15800,
    options: [
      { name: '색상:실버', sellerStockCd: 'TUM-SV', stckQty: 500 },
      { name: '색상:민트', sellerStockCd: 'TUM-MT', stckQty: 200 },
      { name: '색상:핑크', sellerStockCd: 'TUM-PK', stckQty: 0 },
    ],
  },
  {
    sellerPrdCd: 'TOM-KIT2',
    prdNm: '똠양꿍 밀키트 2인분',
    selPrc: 12900,
    options: [
      { name: '맛:순한맛', sellerStockCd: 'TOM-MILD', stckQty: 150 },
      { name: '맛:매운맛', sellerStockCd: 'TOM-HOT', stckQty: 150 },
    ],
  },
  {
    sellerPrdCd: 'CIT-5KG',
    prdNm: '제주 감귤 5kg',
    selPrc: 24900,
    options: [
      { name: '선택:로얄과 5kg', sellerStockCd: 'CIT-ROYAL', stckQty: 90, addPrc: 5000 },
      { name: '선택:중과 5kg', sellerStockCd: 'CIT-MID', stckQty: 140 },
    ],
  },
  {
    sellerPrdCd: 'WAL-LEATHER',
    prdNm: '핸드메이드 가죽 지갑',
    selPrc: 45000,
    options: [],
  },
];

/** Add-on items (추가구성상품) a main line may carry. */
export const ADD_ONS: readonly { prdNm: string; selPrc: number }[] = [
  { prdNm: '추가구성 보관 파우치', selPrc: 3000 },
  { prdNm: '추가구성 선물 포장 박스', selPrc: 2500 },
];
