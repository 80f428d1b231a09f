// Answers as Markdown, safely: the model's text goes through markdown-it 15.0.3 (vendor/markdown-it, the
// unmodified browser build) with `html: false`, so every tag on the page comes from markdown-it itself and
// HTML the model writes (`<img src=x onerror=...>`, `<script>`) is escaped and shows as text. markdown-it also
// refuses `javascript:`, `vbscript:`, `file:` and `data:` link targets. Images are switched off: they would
// make the reader's browser fetch whatever URL the model chose (an `![x](url)` shows as a link instead).
// Links open in a new tab without handing it this page (`rel="noopener noreferrer"`); code blocks get a
// Copy button. The CSP (script-src 'self', no inline handlers) stays the second line of defence.
'use strict';

window.ChatMarkdown = (() => {
  const md = window.markdownit({ html: false, linkify: true, typographer: false, breaks: false });
  md.disable('image');

  const rules = md.renderer.rules;
  const renderToken = (tokens, idx, options, env, self) => self.renderToken(tokens, idx, options);

  const linkOpen = rules.link_open || renderToken;
  rules.link_open = (tokens, idx, options, env, self) => {
    tokens[idx].attrSet('target', '_blank');
    tokens[idx].attrSet('rel', 'noopener noreferrer');
    return linkOpen(tokens, idx, options, env, self);
  };

  // Table alignment comes as a style attribute, which the CSP (style-src 'self') blocks: a class instead.
  for (const rule of ['th_open', 'td_open']) {
    const open = rules[rule] || renderToken;
    rules[rule] = (tokens, idx, options, env, self) => {
      const token = tokens[idx];
      const align = /text-align:(left|right|center)/.exec(token.attrGet('style') || '');
      if (token.attrs) token.attrs = token.attrs.filter(([name]) => name !== 'style');
      if (align) token.attrJoin('class', 'align-' + align[1]);
      return open(tokens, idx, options, env, self);
    };
  }

  /** Replaces what `el` shows with `text` rendered as Markdown, each code block with a Copy button. */
  function renderInto(el, text) {
    el.innerHTML = md.render(text);
    for (const pre of el.querySelectorAll('pre')) {
      const copy = document.createElement('button');
      copy.type = 'button';
      copy.className = 'copy secondary';
      copy.textContent = 'Copy';
      copy.setAttribute('aria-label', 'Copy this code');
      pre.prepend(copy);
    }
  }

  async function copyCode(button) {
    const code = button.parentElement.querySelector('code');
    const text = code ? code.textContent : '';
    try {
      await navigator.clipboard.writeText(text);
    } catch (e) {
      // No async clipboard (a plain-http page on another host is not a secure context): copy the selection.
      const range = document.createRange();
      range.selectNodeContents(code);
      const selection = getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      document.execCommand('copy');
      selection.removeAllRanges();
    }
    button.textContent = 'Copied';
    setTimeout(() => { button.textContent = 'Copy'; }, 1500);
  }

  // One listener for every code block, present and future: blocks are re-rendered while an answer streams.
  document.addEventListener('click', (event) => {
    const button = event.target.closest && event.target.closest('pre > button.copy');
    if (button) copyCode(button);
  });

  return { renderInto };
})();
