/**
 * What litegraph's number prompt did with `eval`: lets a user type `512*3` or `(20-4)/2` into a
 * number widget. A strict Content-Security-Policy forbids eval, and eval would run any script
 * typed there, so this is a parser for exactly + - * / ( ), unary signs and decimal numbers.
 */
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

/** The value of an arithmetic expression, or an UserFacingError naming what is wrong and where. */
export function evaluateArithmetic(text: string): number {
  const tokens = tokenize(text);
  const parser = new Parser(tokens, text);
  const value = parser.expression();
  parser.expectEnd();
  if (!Number.isFinite(value)) throw new UserFacingError(`"${text}" is not a finite number (division by zero?)`);
  return value;
}

/** The value, or null when the text is not an expression this parser accepts. */
export function tryEvaluateArithmetic(text: string): number | null {
  try {
    return evaluateArithmetic(text);
  } catch (error) {
    if (error instanceof UserFacingError) return null;
    throw error;
  }
}

type Token = { kind: 'number'; value: number; at: number } | { kind: 'op'; op: '+' | '-' | '*' | '/' | '(' | ')'; at: number };

const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at]!;
    if (/\s/.test(char)) {
      at++;
      continue;
    }
    if ('+-*/()'.includes(char)) {
      tokens.push({ kind: 'op', op: char as '+', at });
      at++;
      continue;
    }
    const match = NUMBER.exec(text.slice(at));
    if (!match) throw new UserFacingError(`unexpected "${char}" at position ${at + 1}: only numbers, + - * / and parentheses are allowed`);
    tokens.push({ kind: 'number', value: Number(match[0]), at });
    at += match[0].length;
  }
  if (tokens.length === 0) throw new UserFacingError('empty expression');
  return tokens;
}

/** Recursive descent: expression = term (('+'|'-') term)*; term = factor (('*'|'/') factor)*. */
class Parser {
  #index = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly text: string,
  ) {}

  expression(): number {
    let value = this.term();
    for (let op = this.#peekOp(); op === '+' || op === '-'; op = this.#peekOp()) {
      this.#index++;
      const right = this.term();
      value = op === '+' ? value + right : value - right;
    }
    return value;
  }

  expectEnd(): void {
    const token = this.tokens[this.#index];
    if (token) throw new UserFacingError(`unexpected "${this.text.slice(token.at, token.at + 1)}" at position ${token.at + 1}`);
  }

  private term(): number {
    let value = this.factor();
    for (let op = this.#peekOp(); op === '*' || op === '/'; op = this.#peekOp()) {
      this.#index++;
      const right = this.factor();
      value = op === '*' ? value * right : value / right;
    }
    return value;
  }

  private factor(): number {
    const token = this.tokens[this.#index++];
    if (!token) throw new UserFacingError('the expression ends too early');
    if (token.kind === 'number') return token.value;
    if (token.op === '-') return -this.factor();
    if (token.op === '+') return this.factor();
    if (token.op === '(') {
      const value = this.expression();
      if (this.#peekOp() !== ')') throw new UserFacingError('a "(" is never closed');
      this.#index++;
      return value;
    }
    throw new UserFacingError(`unexpected "${token.op}" at position ${token.at + 1}`);
  }

  #peekOp(): string | undefined {
    const token = this.tokens[this.#index];
    return token?.kind === 'op' ? token.op : undefined;
  }
}
