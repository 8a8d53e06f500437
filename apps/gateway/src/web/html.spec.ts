import { SafeHtml, escapeHtml, html, raw } from './html';

describe('escapeHtml', () => {
  it('escapes the characters that can open markup or end an attribute', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\`</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;');
  });

  it('escapes an already escaped entity again (no double-decoding tricks)', () => {
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });

  it('stringifies non-strings', () => {
    expect(escapeHtml(42)).toBe('42');
  });
});

describe('html', () => {
  it('escapes every interpolated string, in text and in attributes', () => {
    const name = '"><script>alert(1)</script>';
    const sut = html`<input value="${name}"><p>${name}</p>`;
    expect(sut).toBeInstanceOf(SafeHtml);
    expect(sut.value).toBe('<input value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"><p>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  });

  it('inserts nested html and raw() as they are, and joins arrays', () => {
    const items = ['<a>', 'b'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>${raw('<hr>')}`.value).toBe('<ul><li>&lt;a&gt;</li><li>b</li></ul><hr>');
  });

  it('renders null, undefined and false as nothing, numbers as text', () => {
    expect(html`[${null}${undefined}${false}${0}]`.value).toBe('[0]');
  });

  it('does not trust an object that only looks like SafeHtml', () => {
    const forged = { value: '<script>' } as unknown as SafeHtml;
    expect(html`${forged}`.value).toBe('[object Object]');
  });
});
