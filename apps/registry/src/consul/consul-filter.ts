import { ConsulBadRequestError } from '../errors/consul-bad-request.error';

/** A compiled `?filter=`: whether an answer's entry is kept. */
export type EntryFilter = (entry: object) => boolean;

type Token = { kind: 'word' | 'string' | 'op' | 'paren'; text: string };

const TOKEN = /\s*(?:(\(|\))|(==|!=)|"((?:[^"\\]|\\.)*)"|`([^`]*)`|([A-Za-z0-9_.\-/:]+))/y;

/**
 * Compiles the common part of Consul's filter language (go-bexpr) over an answer's entries: `==`, `!=`,
 * `contains`, `not contains`, `in`, `not in`, `matches`, `not matches`, `is empty`, `is not empty`,
 * combined with `and`, `or`, `not` and parentheses; selectors are dotted paths (`Service.Meta.version`,
 * `Service.Tags`, `Node.Node`). Anything else is Consul's 400.
 *
 * @example compileFilter('Service.Meta.version == "2" and "canary" not in Service.Tags')
 */
export function compileFilter(expression: string | undefined): EntryFilter | undefined {
  if (expression === undefined || expression.trim() === '') return undefined;
  const parser = new Parser(tokenize(expression), expression);
  const filter = parser.expression();
  parser.end();
  return filter;
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    if (/^\s*$/.test(expression.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(expression);
    if (match === null) throw invalid(expression, `unexpected character at ${at}`);
    if (match[1] !== undefined) tokens.push({ kind: 'paren', text: match[1] });
    else if (match[2] !== undefined) tokens.push({ kind: 'op', text: match[2] });
    else if (match[3] !== undefined) tokens.push({ kind: 'string', text: match[3].replace(/\\(.)/g, '$1') });
    else if (match[4] !== undefined) tokens.push({ kind: 'string', text: match[4] });
    else tokens.push({ kind: 'word', text: match[5] });
  }
  return tokens;
}

class Parser {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  expression(): EntryFilter {
    let left = this.conjunction();
    while (this.accept('or')) {
      const [a, b] = [left, this.conjunction()];
      left = (entry) => a(entry) || b(entry);
    }
    return left;
  }

  end(): void {
    if (this.position < this.tokens.length) throw invalid(this.source, `unexpected ${JSON.stringify(this.tokens[this.position].text)}`);
  }

  private conjunction(): EntryFilter {
    let left = this.unary();
    while (this.accept('and')) {
      const [a, b] = [left, this.unary()];
      left = (entry) => a(entry) && b(entry);
    }
    return left;
  }

  private unary(): EntryFilter {
    if (this.accept('not')) {
      const inner = this.unary();
      return (entry) => !inner(entry);
    }
    if (this.accept('(')) {
      const inner = this.expression();
      if (!this.accept(')')) throw invalid(this.source, 'missing )');
      return inner;
    }
    return this.match();
  }

  private match(): EntryFilter {
    const first = this.next();
    // `"value" in Selector` / `"value" not in Selector`
    if (this.peek() === 'in' || (this.peek() === 'not' && this.peek(1) === 'in')) {
      const negate = this.accept('not');
      this.accept('in');
      const select = selector(this.word(), this.source);
      return (entry) => negate !== contains(select(entry), first.text);
    }
    if (first.kind !== 'word') throw invalid(this.source, `expected a selector, got ${JSON.stringify(first.text)}`);
    const select = selector(first.text, this.source);
    if (this.accept('==')) return equals(select, this.value(), false);
    if (this.accept('!=')) return equals(select, this.value(), true);
    if (this.accept('is')) {
      const negate = this.accept('not');
      if (!this.accept('empty')) throw invalid(this.source, 'expected empty');
      return (entry) => negate !== isEmpty(select(entry));
    }
    const negate = this.accept('not');
    if (this.accept('contains')) {
      const value = this.value();
      return (entry) => negate !== contains(select(entry), value);
    }
    if (this.accept('matches')) {
      const pattern = regex(this.value(), this.source);
      return (entry) => negate !== pattern.test(String(select(entry) ?? ''));
    }
    throw invalid(this.source, `expected an operator after ${first.text}`);
  }

  private value(): string {
    const token = this.next();
    if (token.kind === 'op' || token.kind === 'paren') throw invalid(this.source, `expected a value, got ${token.text}`);
    return token.text;
  }

  private word(): string {
    const token = this.next();
    if (token.kind !== 'word') throw invalid(this.source, `expected a selector, got ${JSON.stringify(token.text)}`);
    return token.text;
  }

  private next(): Token {
    const token = this.tokens[this.position++];
    if (token === undefined) throw invalid(this.source, 'unexpected end');
    return token;
  }

  private peek(ahead = 0): string | undefined {
    const token = this.tokens[this.position + ahead];
    return token?.kind === 'string' ? undefined : token?.text;
  }

  private accept(text: string): boolean {
    if (this.peek() !== text) return false;
    this.position++;
    return true;
  }
}

function selector(path: string, source: string): (entry: object) => unknown {
  const keys = path.split('.');
  if (keys.some((key) => key === '')) throw invalid(source, `bad selector ${path}`);
  return (entry) => keys.reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined), entry);
}

function equals(select: (entry: object) => unknown, value: string, negate: boolean): EntryFilter {
  return (entry) => {
    const found = select(entry);
    return negate !== (found !== undefined && found !== null && typeof found !== 'object' && String(found) === value);
  };
}

function contains(found: unknown, value: string): boolean {
  if (Array.isArray(found)) return found.some((item) => String(item) === value);
  if (typeof found === 'string') return found.includes(value);
  if (typeof found === 'object' && found !== null) return Object.prototype.hasOwnProperty.call(found, value);
  return false;
}

function isEmpty(found: unknown): boolean {
  if (found === undefined || found === null || found === '') return true;
  if (typeof found === 'object') return Object.keys(found).length === 0;
  return false;
}

function regex(pattern: string, source: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    throw invalid(source, `bad regular expression ${JSON.stringify(pattern)}`);
  }
}

function invalid(expression: string, why: string): ConsulBadRequestError {
  return new ConsulBadRequestError(`Failed to create boolean expression evaluator: ${why} in ${JSON.stringify(expression)}`);
}
