/**
 * The text of a JSON-lines file as read: chunks of whole lines, and per chunk where each line
 * ends. Lines are addressed by number (0-based) and parsed only when asked for, so a restore
 * can turn a million message lines into messages one at a time: each line's parsed value dies
 * young instead of a million of them being kept, promoted and then collected.
 */
export class TextLines {
  private readonly texts: string[] = [];
  /** Per chunk, the end (exclusive, in UTF-16 units) of each of its lines. */
  private readonly ends: Int32Array[] = [];
  /** Per chunk, the number of its first line. */
  private readonly firsts: number[] = [];
  /** Number of lines. */
  count = 0;

  constructor(readonly path: string) {}

  /** Adds a chunk of whole lines, without the last line's newline. */
  add(text: string): void {
    let ends = new Int32Array(1024);
    let n = 0;
    for (let from = 0; ; ) {
      const nl = text.indexOf('\n', from);
      if (n === ends.length) {
        const grown = new Int32Array(n * 2);
        grown.set(ends);
        ends = grown;
      }
      ends[n++] = nl < 0 ? text.length : nl;
      if (nl < 0) break;
      from = nl + 1;
    }
    this.texts.push(text);
    this.ends.push(ends.subarray(0, n));
    this.firsts.push(this.count);
    this.count += n;
  }

  /** A cursor at line `line`, to read it and the lines after it in turn. */
  at(line: number): LineCursor {
    let c = this.texts.length - 1;
    while (c > 0 && this.firsts[c]! > line) c--;
    return new LineCursor(this.texts, this.ends, c, line - (this.firsts[c] ?? 0), line);
  }

  /** The text of one line. */
  text(line: number): string {
    return this.at(line).next();
  }
}

export class LineCursor {
  constructor(
    private readonly texts: string[],
    private readonly ends: Int32Array[],
    private chunk: number,
    private index: number,
    /** Number of the line `next()` returns. */
    public line: number,
  ) {}

  /** The current line's text (a slice of its chunk, not a copy); moves to the next line. */
  next(): string {
    let ends = this.ends[this.chunk]!;
    if (this.index >= ends.length) {
      this.chunk++;
      this.index = 0;
      ends = this.ends[this.chunk]!;
    }
    const i = this.index++;
    this.line++;
    return this.texts[this.chunk]!.slice(i === 0 ? 0 : ends[i - 1]! + 1, ends[i]);
  }
}
