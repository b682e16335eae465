/**
 * A growable bitmap over document slots (the embedded store's dense document numbers). Counting
 * the documents in several index sets at once is an AND and a popcount over words, which stays
 * well under a millisecond at 100k documents where walking the sets takes tens.
 */
export class Bitmap {
  private words: Uint32Array;

  constructor(capacity = 1024) {
    this.words = new Uint32Array(Math.ceil(capacity / 32));
  }

  add(slot: number): void {
    const word = slot >>> 5;
    if (word >= this.words.length) this.grow(word + 1);
    this.words[word] |= 1 << (slot & 31);
  }

  delete(slot: number): void {
    const word = slot >>> 5;
    if (word < this.words.length) this.words[word] &= ~(1 << (slot & 31));
  }

  /** The number of slots set in every one of `bitmaps`. */
  static countAll(bitmaps: Bitmap[]): number {
    if (bitmaps.length === 0) return 0;
    const length = Math.min(...bitmaps.map((b) => b.words.length));
    let count = 0;
    for (let w = 0; w < length; w++) {
      let word = bitmaps[0].words[w];
      for (let b = 1; b < bitmaps.length && word !== 0; b++) word &= bitmaps[b].words[w];
      if (word !== 0) count += popcount(word);
    }
    return count;
  }

  /** A new bitmap of the slots set in any of `bitmaps`. */
  static union(bitmaps: Bitmap[]): Bitmap {
    const result = new Bitmap(Math.max(32, ...bitmaps.map((b) => b.words.length * 32)));
    for (const bitmap of bitmaps) for (let w = 0; w < bitmap.words.length; w++) result.words[w] |= bitmap.words[w];
    return result;
  }

  private grow(minWords: number): void {
    const words = new Uint32Array(Math.max(minWords, this.words.length * 2));
    words.set(this.words);
    this.words = words;
  }
}

function popcount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
