/**
 * Feishu card JSON 2.0 → HTML, for the sandbox page.
 *
 * The same function runs in Node (tests) and in the browser: the page inlines
 * `renderCardHtml.toString()`. It must therefore stay self-contained — no imports, no
 * references to anything outside its own body, no DOM — and return a string.
 *
 * Everything taken from the card is untrusted (it carries user text): every string is
 * HTML-escaped before any markup is added, links are limited to http(s)/mailto, and colours
 * and sizes only ever become whitelisted class names.
 *
 * Interactive parts carry `data-cd-*` attributes the page's script acts on:
 * - `data-cd-action="callback" | "submit" | "reset"` on buttons, with `data-cd-value` (JSON of
 *   the button's callback value) and optionally `data-cd-confirm`;
 * - `data-cd-field="input" | "select" | "multi" | "date" | "datetime" | "time"` with
 *   `data-cd-name` on form fields (and `data-cd-required` when required);
 * - `data-cd-standalone` + `data-cd-value` on a select/picker with a callback outside a form.
 */
export interface CardHtmlOptions {
  /** Display names by user id, for `<at id=...>` and person elements. */
  names?: Record<string, string>;
}

export function renderCardHtml(card: unknown, options?: CardHtmlOptions): string {
  const names: Record<string, string> = (options && options.names) || {};
  const COLORS = [
    'blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine',
    'violet', 'purple', 'indigo', 'grey', 'gray', 'default', 'neutral', 'lime',
  ];
  const BUTTON_TYPES = ['default', 'primary', 'danger', 'text', 'primary_text', 'danger_text', 'primary_filled', 'danger_filled', 'laser'];
  const MAX_DEPTH = 24;

  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  const esc = (v: unknown): string =>
    String(v === undefined || v === null ? '' : v).replace(/[&<>"']/g, (c) => ENTITIES[c]);
  const escLines = (v: unknown): string => esc(v).replace(/\r\n?/g, '\n').replace(/\n/g, '<br>');
  const color = (v: unknown): string => {
    const c = String(v || '').toLowerCase();
    return COLORS.indexOf(c) >= 0 ? (c === 'gray' ? 'grey' : c) : 'default';
  };
  const nameOf = (id: string): string => (id === 'all' ? '所有人' : names[id] || id);

  /** The text of a plain_text/lark_md object, an i18n object or a plain string. */
  const textOf = (v: unknown): string => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (!isObj(v)) return '';
    if (typeof v.content === 'string' || typeof v.content === 'number') return String(v.content);
    const i18n = isObj(v.i18n_content) ? v.i18n_content : isObj(v.i18n) ? v.i18n : null;
    if (i18n) {
      const pick = i18n.zh_cn ?? i18n.zh_CN ?? Object.values(i18n)[0];
      return typeof pick === 'string' ? pick : '';
    }
    return '';
  };

  // ---------------------------------------------------------------- markdown (Feishu flavour)
  const markdown = (source: string): string => {
    const stash: string[] = [];
    // Fragments already turned into HTML wait in `stash`, marked by two private-use characters.
    const keep = (html: string): string => '\ue000' + (stash.push(html) - 1) + '\ue001';
    let s = String(source).replace(/\r\n?/g, '\n').replace(/[\ue000\ue001]/g, '');
    // Fenced code blocks and inline code are taken out first so nothing inside them is formatted.
    // An escaped backtick never opens code.
    s = s.replace(/\\`/g, () => keep('`'));
    s = s.replace(/```[^\n]*\n([\s\S]*?)```/g, (_m, code: string) => keep('<pre class="cd-code">' + esc(code.replace(/\n$/, '')) + '</pre>'));
    s = s.replace(/`([^`\n]+)`/g, (_m, code: string) => keep('<code>' + esc(code) + '</code>'));
    // Escaped characters stay literal: backslash escapes and the entities &lt; &gt; &amp;.
    s = s.replace(/\\([\\`*_~[\]()<>#|!-])|&(lt|gt|amp);/g, (_m, c: string | undefined, ent: string | undefined) =>
      keep(esc(c ?? ({ lt: '<', gt: '>', amp: '&' } as Record<string, string>)[ent!])),
    );
    s = esc(s);
    const Q = '(?:&quot;|&#39;)?';
    // Feishu extensions: <at id=...></at>, <font color=...>, <text_tag color=...>, <br>.
    s = s.replace(new RegExp('&lt;at (?:id|user_id|open_id|email)=' + Q + '([\\w.@-]+)' + Q + '\\s*/?&gt;(?:&lt;/at&gt;)?', 'g'), (_m, id: string) =>
      keep('<span class="cd-at">@' + esc(nameOf(id)) + '</span>'),
    );
    s = s.replace(new RegExp('&lt;font color=' + Q + '([\\w-]+)' + Q + '&gt;([\\s\\S]*?)&lt;/font&gt;', 'g'), (_m, c: string, inner: string) =>
      '<span class="cd-fc-' + color(c) + '">' + inner + '</span>',
    );
    s = s.replace(new RegExp('&lt;text_tag color=' + Q + '([\\w-]+)' + Q + '&gt;([\\s\\S]*?)&lt;/text_tag&gt;', 'g'), (_m, c: string, inner: string) =>
      '<span class="cd-tag cd-tag-' + color(c) + '">' + inner + '</span>',
    );
    s = s.replace(/&lt;br\s*\/?&gt;/g, '\n');
    // Links: [text](url) with a safe scheme; anything else stays as text. Then bare URLs.
    s = s.replace(/\[([^\]\n]+)\]\(([^)\s]+)\)/g, (m, label: string, url: string) =>
      /^(https?:\/\/|mailto:)/i.test(url)
        ? keep('<a href="' + url + '" target="_blank" rel="noopener noreferrer">') + label + keep('</a>')
        : m,
    );
    s = s.replace(/\bhttps?:\/\/[^\s<\ue000\ue001]*[^\s<\ue000\ue001.,;:!?，。；：！？)）]/g, (url) =>
      keep('<a href="' + url + '" target="_blank" rel="noopener noreferrer">' + url + '</a>'),
    );
    const inline = (line: string): string =>
      line
        .replace(/\*\*(?=\S)([^\n]*?\S)\*\*/g, '<strong>$1</strong>')
        .replace(/__(?=\S)([^\n]*?\S)__/g, '<strong>$1</strong>')
        .replace(/~~(?=\S)([^\n]*?\S)~~/g, '<del>$1</del>')
        .replace(/(^|[^*\w])\*(?=\S)([^*\n]*?\S)\*(?!\*)/g, '$1<em>$2</em>');
    const lines = s.split('\n');
    let out = '';
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      let m: RegExpExecArray | null;
      if ((m = /^\s*(#{1,6})\s+(.*)$/.exec(line))) {
        out += '<div class="cd-md-h cd-md-h' + m[1].length + '">' + inline(m[2]) + '</div>';
      } else if (/^\s*(?:-{3,}|\*{3,})\s*$/.test(line)) {
        out += '<hr class="cd-hr">';
      } else if ((m = /^(\s*)[-*+]\s+(.*)$/.exec(line))) {
        out += '<div class="cd-md-li' + (m[1].length >= 2 ? ' cd-md-li2' : '') + '"><span class="cd-md-bullet">•</span>' + inline(m[2]) + '</div>';
      } else if ((m = /^(\s*)(\d{1,3})\.\s+(.*)$/.exec(line))) {
        out += '<div class="cd-md-li' + (m[1].length >= 2 ? ' cd-md-li2' : '') + '"><span class="cd-md-bullet">' + m[2] + '.</span>' + inline(m[3]) + '</div>';
      } else if ((m = /^&gt;\s?(.*)$/.exec(line))) {
        out += '<div class="cd-md-quote">' + inline(m[1]) + '</div>';
      } else {
        out += inline(line) + (i < lines.length - 1 && !/^\s*(#{1,6}\s|[-*+]\s|\d{1,3}\.\s|&gt;)/.test(lines[i + 1]) ? '<br>' : '');
      }
    }
    // Restore stashed fragments (a fragment may itself contain markers, so repeat until stable).
    for (let guard = 0; guard < 4 && /\ue000\d+\ue001/.test(out); guard++) {
      out = out.replace(/\ue000(\d+)\ue001/g, (_m, n: string) => stash[Number(n)] || '');
    }
    return out;
  };

  // ---------------------------------------------------------------- helpers for interactive parts
  const jsonAttr = (v: unknown): string => {
    try {
      return esc(JSON.stringify(v === undefined ? {} : v));
    } catch {
      return esc('{}');
    }
  };
  const callbackValue = (node: Record<string, unknown>): unknown => {
    for (const b of arr(node.behaviors)) {
      if (isObj(b) && b.type === 'callback') return b.value === undefined ? {} : b.value;
    }
    return node.value; // JSON 1.0
  };
  const openUrl = (node: Record<string, unknown>): string | null => {
    for (const b of arr(node.behaviors)) {
      if (isObj(b) && b.type === 'open_url') {
        const u = String(b.default_url || b.pc_url || b.url || '');
        if (/^https?:\/\//i.test(u)) return u;
      }
    }
    const u = typeof node.url === 'string' ? node.url : '';
    return /^https?:\/\//i.test(u) ? u : null;
  };
  const confirmAttr = (node: Record<string, unknown>): string => {
    if (!isObj(node.confirm)) return '';
    const t = [textOf(node.confirm.title), textOf(node.confirm.text)].filter(Boolean).join('\n');
    return t ? ' data-cd-confirm="' + esc(t) + '"' : '';
  };
  const fieldName = (node: Record<string, unknown>): string => esc(node.name === undefined ? '' : node.name);
  const required = (node: Record<string, unknown>): string => (node.required === true ? ' required data-cd-required="1"' : '');
  const disabled = (node: Record<string, unknown>): string => (node.disabled === true ? ' disabled' : '');
  const label = (node: Record<string, unknown>, control: string): string => {
    const l = textOf(node.label);
    if (!l) return '<div class="cd-field">' + control + '</div>';
    return '<label class="cd-field"><span class="cd-label">' + esc(l) + (node.required === true ? '<b class="cd-req">*</b>' : '') + '</span>' + control + '</label>';
  };
  const standalone = (node: Record<string, unknown>, inForm: boolean): string => {
    if (inForm) return '';
    const v = callbackValue(node);
    return v === undefined ? '' : ' data-cd-standalone="1" data-cd-value="' + jsonAttr(v) + '"';
  };
  const optionTags = (node: Record<string, unknown>, selected: string[]): string =>
    arr(node.options)
      .filter(isObj)
      .map((o) => {
        const value = String(o.value === undefined ? '' : o.value);
        return '<option value="' + esc(value) + '"' + (selected.indexOf(value) >= 0 ? ' selected' : '') + '>' + esc(textOf(o.text) || value) + '</option>';
      })
      .join('');

  // ---------------------------------------------------------------- chart: a small table, or a placeholder
  const chart = (node: Record<string, unknown>): string => {
    const spec = isObj(node.chart_spec) ? node.chart_spec : {};
    const title = isObj(spec.title) ? textOf(spec.title.text ?? spec.title) : '';
    let rows: unknown[] = [];
    const data = spec.data;
    if (Array.isArray(data)) {
      const first = data.find((d) => isObj(d) && Array.isArray(d.values));
      rows = isObj(first) ? arr(first.values) : data.filter(isObj);
    } else if (isObj(data)) {
      rows = arr(data.values);
    }
    const objects = rows.filter(isObj).slice(0, 30);
    const head = '<div class="cd-chart-title">📊 ' + esc(title || '图表') + '</div>';
    if (objects.length === 0) return '<div class="cd-chart">' + head + '<div class="cd-muted">（图表，沙盒中不绘制）</div></div>';
    const keys: string[] = [];
    for (const o of objects) for (const k of Object.keys(o)) if (keys.indexOf(k) < 0 && keys.length < 8) keys.push(k);
    const cell = (v: unknown): string => esc(isObj(v) || Array.isArray(v) ? JSON.stringify(v) : v);
    return (
      '<div class="cd-chart">' + head + '<div class="cd-table-wrap"><table class="cd-table"><thead><tr>' +
      keys.map((k) => '<th>' + esc(k) + '</th>').join('') + '</tr></thead><tbody>' +
      objects.map((o) => '<tr>' + keys.map((k) => '<td>' + cell(o[k]) + '</td>').join('') + '</tr>').join('') +
      '</tbody></table></div></div>'
    );
  };

  // ---------------------------------------------------------------- elements
  const elements = (list: unknown, inForm: boolean, depth: number): string =>
    arr(list).map((e) => element(e, inForm, depth)).join('');

  const element = (node: unknown, inForm: boolean, depth: number): string => {
    if (!isObj(node)) return '';
    if (depth > MAX_DEPTH) return '<div class="cd-unknown">（嵌套过深）</div>';
    const d = depth + 1;
    const align = node.text_align === 'center' || node.text_align === 'right' ? ' cd-align-' + node.text_align : '';
    switch (node.tag) {
      case 'markdown':
      case 'lark_md':
        return '<div class="cd-md' + align + '">' + markdown(textOf(node)) + '</div>';
      case 'plain_text':
        return '<div class="cd-text' + align + '">' + escLines(textOf(node)) + '</div>';
      case 'div': {
        let html = '';
        if (isObj(node.text)) {
          html += node.text.tag === 'lark_md' ? markdown(textOf(node.text)) : escLines(textOf(node.text));
        }
        const fields = arr(node.fields).filter(isObj);
        if (fields.length) {
          html += '<div class="cd-fields">' + fields.map((f) => {
            const t = isObj(f.text) && f.text.tag === 'lark_md' ? markdown(textOf(f.text)) : escLines(textOf(f.text));
            return '<div class="cd-fieldcell' + (f.is_short ? ' cd-short' : '') + '">' + t + '</div>';
          }).join('') + '</div>';
        }
        return '<div class="cd-text' + align + '">' + html + '</div>';
      }
      case 'note':
        return '<div class="cd-note">' + elements(node.elements, inForm, d) + '</div>';
      case 'hr':
        return '<hr class="cd-hr">';
      case 'column_set': {
        const cols = arr(node.columns).map((c) => element(isObj(c) ? Object.assign({}, c, { tag: 'column' }) : c, inForm, d)).join('');
        return '<div class="cd-cols">' + cols + '</div>';
      }
      case 'column': {
        const weight = Math.max(1, Math.min(5, Math.round(Number(node.weight) || 1)));
        const cls = node.width === 'weighted' ? 'cd-col-w' + weight : node.width === 'auto' ? 'cd-col-auto' : 'cd-col-w1';
        const valign = node.vertical_align === 'center' || node.vertical_align === 'bottom' ? ' cd-valign-' + node.vertical_align : '';
        return '<div class="cd-col ' + cls + valign + '">' + elements(node.elements, inForm, d) + '</div>';
      }
      case 'action': // JSON 1.0 button row
        return '<div class="cd-actions">' + elements(node.actions, inForm, d) + '</div>';
      case 'form':
        return '<form class="cd-form" data-cd-form="' + esc(node.name === undefined ? '' : node.name) + '" novalidate>' + elements(node.elements, true, d) + '</form>';
      case 'collapsible_panel': {
        const header = isObj(node.header) ? textOf(node.header.title) : '';
        return '<details class="cd-panel"' + (node.expanded ? ' open' : '') + '><summary>' + markdown(header || '详情') + '</summary>' + elements(node.elements, inForm, d) + '</details>';
      }
      case 'interactive_container':
        return '<div class="cd-box">' + elements(node.elements, inForm, d) + '</div>';
      case 'button': {
        const text = esc(textOf(node.text) || '按钮');
        const type = BUTTON_TYPES.indexOf(String(node.type)) >= 0 ? String(node.type) : 'default';
        const cls = 'cd-btn cd-btn-' + type + (node.width === 'fill' ? ' cd-btn-fill' : '');
        const url = openUrl(node);
        if (url && callbackValue(node) === undefined) {
          return '<a class="' + cls + '" href="' + esc(url) + '" target="_blank" rel="noopener noreferrer">' + text + '</a>';
        }
        const kind = inForm && node.form_action_type === 'submit' ? 'submit' : inForm && node.form_action_type === 'reset' ? 'reset' : 'callback';
        return (
          '<button type="button" class="' + cls + '" data-cd-action="' + kind + '" data-cd-value="' + jsonAttr(callbackValue(node)) + '"' +
          confirmAttr(node) + disabled(node) + '>' + text + '</button>'
        );
      }
      case 'input': {
        const placeholder = esc(textOf(node.placeholder));
        const value = esc(node.default_value === undefined ? '' : node.default_value);
        const max = Number(node.max_length) > 0 ? ' maxlength="' + Math.floor(Number(node.max_length)) + '"' : '';
        const common = ' class="cd-input" data-cd-field="input" data-cd-name="' + fieldName(node) + '" placeholder="' + placeholder + '"' + max + required(node) + disabled(node) + standalone(node, inForm);
        const control =
          node.input_type === 'multiline_text'
            ? '<textarea rows="' + Math.max(2, Math.min(12, Number(node.rows) || 3)) + '"' + common + '>' + value + '</textarea>'
            : '<input type="' + (node.input_type === 'password' ? 'password' : 'text') + '"' + common + ' value="' + value + '">';
        return label(node, control);
      }
      case 'select_static':
      case 'select_person': {
        const initial = String(node.initial_option === undefined ? '' : node.initial_option);
        const placeholder = textOf(node.placeholder) || '请选择';
        const control =
          '<select class="cd-select" data-cd-field="select" data-cd-name="' + fieldName(node) + '"' + required(node) + disabled(node) + standalone(node, inForm) + '>' +
          '<option value="">' + esc(placeholder) + '</option>' + optionTags(node, [initial]) + '</select>';
        return label(node, control);
      }
      case 'multi_select_static':
      case 'multi_select_person': {
        const selected = arr(node.selected_values).concat(arr(node.initial_options)).map((v) => String(v));
        const boxes = arr(node.options)
          .filter(isObj)
          .map((o) => {
            const value = String(o.value === undefined ? '' : o.value);
            return '<label class="cd-check"><input type="checkbox" value="' + esc(value) + '"' + (selected.indexOf(value) >= 0 ? ' checked' : '') + disabled(node) + '><span>' + esc(textOf(o.text) || value) + '</span></label>';
          })
          .join('');
        const placeholder = textOf(node.placeholder);
        const control =
          '<div class="cd-multi" data-cd-field="multi" data-cd-name="' + fieldName(node) + '"' + (node.required === true ? ' data-cd-required="1"' : '') + standalone(node, inForm) + '>' +
          (placeholder ? '<div class="cd-muted">' + esc(placeholder) + '</div>' : '') + boxes + '</div>';
        return label(node, control);
      }
      case 'date_picker':
      case 'picker_datetime':
      case 'picker_time': {
        const kind = node.tag === 'date_picker' ? 'date' : node.tag === 'picker_time' ? 'time' : 'datetime';
        const initial = String(node.initial_date || node.initial_datetime || node.initial_time || '');
        const value = kind === 'datetime' ? initial.replace(' ', 'T') : initial;
        const control =
          '<input type="' + (kind === 'datetime' ? 'datetime-local' : kind) + '" class="cd-input cd-date" data-cd-field="' + kind + '" data-cd-name="' + fieldName(node) + '" value="' + esc(value) + '"' +
          ' title="' + esc(textOf(node.placeholder)) + '"' + required(node) + disabled(node) + standalone(node, inForm) + '>';
        return label(node, control);
      }
      case 'checker':
        return '<label class="cd-check"><input type="checkbox"' + (node.checked ? ' checked' : '') + ' disabled><span>' + markdown(textOf(node.text)) + '</span></label>';
      case 'chart':
        return chart(node);
      case 'table': {
        const cols = arr(node.columns).filter(isObj).slice(0, 12);
        const rows = arr(node.rows).filter(isObj).slice(0, 100);
        const cell = (v: unknown): string => esc(isObj(v) || Array.isArray(v) ? JSON.stringify(v) : v);
        return (
          '<div class="cd-table-wrap"><table class="cd-table"><thead><tr>' +
          cols.map((c) => '<th>' + esc(c.display_name || c.name) + '</th>').join('') + '</tr></thead><tbody>' +
          rows.map((r) => '<tr>' + cols.map((c) => '<td>' + cell(r[String(c.name)]) + '</td>').join('') + '</tr>').join('') +
          '</tbody></table></div>'
        );
      }
      case 'img':
      case 'image':
        return '<div class="cd-img">🖼 ' + esc(textOf(node.alt) || '图片') + '</div>';
      case 'img_combination':
        return '<div class="cd-img">🖼 图片组</div>';
      case 'person':
        return '<span class="cd-at">@' + esc(nameOf(String(node.user_id || ''))) + '</span>';
      case 'person_list':
        return '<div>' + arr(node.persons).filter(isObj).map((p) => '<span class="cd-at">@' + esc(nameOf(String(p.id || ''))) + '</span>').join(' ') + '</div>';
      default:
        return '<div class="cd-unknown">［暂不支持的卡片元素：' + esc(node.tag) + '］</div>';
    }
  };

  // ---------------------------------------------------------------- card
  if (!isObj(card)) return '<div class="cd-card cd-card-bad">［无法显示的卡片］</div>';
  let header = '';
  if (isObj(card.header)) {
    const h = card.header;
    const tags = arr(h.text_tag_list)
      .filter(isObj)
      .map((t) => '<span class="cd-tag cd-tag-' + color(t.color) + '">' + esc(textOf(t.text)) + '</span>')
      .join('');
    const subtitle = textOf(h.subtitle);
    header =
      '<div class="cd-head cd-head-' + color(h.template) + '"><div class="cd-title">' + esc(textOf(h.title)) + tags + '</div>' +
      (subtitle ? '<div class="cd-subtitle">' + esc(subtitle) + '</div>' : '') + '</div>';
  }
  const body = isObj(card.body) ? card.body.elements : card.elements;
  return '<div class="cd-card">' + header + '<div class="cd-body">' + elements(body, false, 0) + '</div></div>';
}
