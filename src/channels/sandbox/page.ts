import { renderCardHtml } from './card-html';

/**
 * The sandbox page: one self-contained HTML document (inline CSS and vanilla JS, no external
 * assets). The card renderer is the very function the tests exercise, inlined from its source.
 * `__CSP_NONCE__` is replaced per request with the Content-Security-Policy nonce.
 *
 * The client script is plain ES2017 in a raw string: no template literals in it (the string
 * itself is one), no build step.
 */

const CSS = String.raw`
:root{--bg:#f2f3f5;--panel:#fff;--line:#e4e6eb;--text:#1f2329;--muted:#8f959e;--blue:#3370ff;--blue-d:#245bdb;--red:#d83931;--green:#2ea121;--mine:#e1eaff;--radius:10px}
*{box-sizing:border-box}
[hidden]{display:none!important}
html,body{margin:0;height:100%}
body{font:14px/1.55 -apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",system-ui,sans-serif;color:var(--text);background:var(--bg);display:flex;flex-direction:column}
button,input,select,textarea{font:inherit;color:inherit}
.top{display:flex;align-items:center;gap:12px;flex-wrap:wrap;padding:10px 16px;background:var(--panel);border-bottom:1px solid var(--line)}
.brand{font-weight:700;font-size:17px;letter-spacing:.2px}
.brand small{font-weight:500;color:#fff;background:var(--blue);border-radius:4px;padding:1px 6px;margin-left:6px;font-size:12px;vertical-align:2px}
.who{margin-left:auto;display:flex;align-items:center;gap:8px;color:var(--muted)}
.who select{min-width:220px;max-width:70vw;padding:6px 8px;border:1px solid var(--line);border-radius:6px;background:#fff}
.conn{font-size:12px;color:var(--muted)}
.conn.off{color:var(--red)}
.help{margin:0;padding:8px 16px;background:#fff8e6;border-bottom:1px solid #f5e3b3;color:#5f4b16;font-size:13px}
.help code{background:#fff;border:1px solid #eadbb0;border-radius:4px;padding:0 4px}
.main{flex:1;min-height:0;display:flex;flex-direction:column;padding:12px;gap:12px;max-width:1320px;width:100%;margin:0 auto}
.tabs{display:flex;gap:6px}
.tabs button{flex:1;border:1px solid var(--line);background:#fff;border-radius:8px;padding:8px;cursor:pointer}
.tabs button.on{border-color:var(--blue);color:var(--blue-d);font-weight:600}
.badge{display:inline-block;min-width:18px;padding:0 5px;margin-left:4px;border-radius:9px;background:var(--red);color:#fff;font-size:12px;line-height:18px}
.badge:empty{display:none}
.panes{flex:1;min-height:0;display:grid;grid-template-columns:1fr;gap:12px}
.pane{display:none;min-height:0;flex-direction:column;background:var(--panel);border:1px solid var(--line);border-radius:var(--radius);overflow:hidden}
.pane.on{display:flex}
.pane-title{padding:10px 14px;border-bottom:1px solid var(--line);font-weight:600;display:flex;align-items:center;gap:8px}
.pane-title .sub{font-weight:400;color:var(--muted);font-size:12px}
.msgs{flex:1;min-height:0;overflow-y:auto;padding:14px 12px 20px}
.empty{color:var(--muted);text-align:center;margin-top:40px;font-size:13px}
.msg{display:flex;gap:8px;margin:12px 0;align-items:flex-start}
.msg.mine{flex-direction:row-reverse}
.avatar{flex:none;width:34px;height:34px;border-radius:50%;display:flex;align-items:center;justify-content:center;color:#fff;font-weight:600;font-size:14px;background:#7f8fa6}
.msg.bot .avatar{background:linear-gradient(135deg,#3370ff,#7f3bf5)}
.col{min-width:0;max-width:min(78%,560px);display:flex;flex-direction:column}
.msg.mine .col{align-items:flex-end}
.meta{font-size:12px;color:var(--muted);margin:0 2px 3px;display:flex;gap:6px;align-items:baseline}
.meta .nm{color:#51565d}
.meta .tag{border:1px solid var(--line);border-radius:4px;padding:0 4px;font-size:11px}
.bubble{background:#fff;border:1px solid var(--line);border-radius:var(--radius);padding:8px 12px;white-space:normal;word-break:break-word;overflow-wrap:anywhere}
.msg.mine .bubble{background:var(--mine);border-color:#c9d8ff}
.bubble .at,.cd-at{color:var(--blue-d);font-weight:500}
.quote{font-size:12px;color:#646a73;border-left:3px solid #c9cdd4;padding:1px 8px;margin:0 0 4px;max-width:100%;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;cursor:pointer}
.failed{font-size:12px;color:var(--red);margin-top:2px}
.flash{animation:flash 1.2s ease}
@keyframes flash{0%{background:#fff3c4}100%{background:transparent}}
.composer{border-top:1px solid var(--line);padding:8px 10px;display:flex;gap:8px;align-items:flex-end;flex-wrap:wrap}
.composer textarea{flex:1;min-width:0;resize:none;border:1px solid var(--line);border-radius:8px;padding:8px 10px;max-height:40vh;line-height:1.45;outline:none}
.composer textarea:focus{border-color:var(--blue)}
.composer .send{border:0;background:var(--blue);color:#fff;border-radius:8px;padding:8px 16px;cursor:pointer;font-weight:600}
.composer .send:disabled{opacity:.5;cursor:default}
.composer .atbot{display:flex;align-items:center;gap:4px;color:#51565d;font-size:13px;padding-bottom:8px;white-space:nowrap}
.chips{display:flex;gap:6px;flex-wrap:wrap;width:100%}
.chip{border:1px solid var(--line);background:#f7f8fa;border-radius:14px;padding:2px 10px;font-size:12px;cursor:pointer;color:#51565d}
.chip:hover{border-color:var(--blue);color:var(--blue-d)}
.pick{max-width:920px;margin:24px auto;width:100%}
.pick h2{font-size:18px;margin:0 0 4px}
.pick p{color:#646a73;margin:0 0 14px}
.people{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:10px}
.person{text-align:left;background:#fff;border:1px solid var(--line);border-radius:var(--radius);padding:12px 14px;cursor:pointer;display:flex;gap:10px;align-items:center}
.person:hover{border-color:var(--blue);box-shadow:0 2px 10px rgba(51,112,255,.12)}
.person .who-nm{font-weight:600}
.person .who-roles{font-size:12px;color:var(--blue-d)}
.person .who-hint{font-size:12px;color:var(--muted)}
#toast{position:fixed;left:50%;top:14px;transform:translateX(-50%) translateY(-8px);opacity:0;pointer-events:none;transition:all .2s;z-index:10;padding:9px 16px;border-radius:8px;background:#fff;box-shadow:0 6px 24px rgba(31,35,41,.16);border:1px solid var(--line);max-width:90vw;font-size:14px}
#toast.show{opacity:1;transform:translateX(-50%) translateY(0)}
#toast.success{border-color:#b7e3b0;color:#237b19}
#toast.error{border-color:#f8c2bf;color:var(--red)}
#toast.warning{border-color:#f7d9a6;color:#b26206}
#toast.info{border-color:#c9d8ff;color:var(--blue-d)}
@media (min-width:960px){.tabs{display:none}.panes.two{grid-template-columns:1fr 1fr}.pane{display:flex}.pane.hidden{display:none}}
@media (max-width:600px){.main{padding:8px;gap:8px}.who{margin-left:0;width:100%}.who select{flex:1;min-width:0;max-width:none}.col{max-width:86%}.help{font-size:12px}}

/* ---------- Feishu card ---------- */
.cardwrap{width:min(460px,100%)}
.msg .col:has(.cardwrap){max-width:min(90%,480px);width:100%}
.cardwrap.busy{opacity:.6;pointer-events:none}
.cd-card{background:#fff;border:1px solid var(--line);border-radius:var(--radius);overflow:hidden;box-shadow:0 1px 3px rgba(31,35,41,.05)}
.cd-card-bad{padding:10px;color:var(--muted)}
.cd-head{padding:10px 14px;border-bottom:1px solid rgba(31,35,41,.06)}
.cd-title{font-weight:600;font-size:15px;display:flex;gap:6px;align-items:center;flex-wrap:wrap}
.cd-subtitle{font-size:12px;color:#646a73;margin-top:2px}
.cd-head-default,.cd-head-neutral,.cd-head-grey{background:#f2f3f5}
.cd-head-blue{background:#e1eaff;color:#1d3f99}.cd-head-wathet{background:#e0f2fd;color:#0d5b8c}.cd-head-turquoise{background:#d5f6f2;color:#0c6c60}
.cd-head-green{background:#d9f5d6;color:#1b6b12}.cd-head-lime{background:#eef6c6;color:#566b0b}.cd-head-yellow{background:#fdf3cc;color:#7a5c00}
.cd-head-orange{background:#feead2;color:#8f4a00}.cd-head-red{background:#fde2e2;color:#a1261f}.cd-head-carmine{background:#fde2ec;color:#9a1b4b}
.cd-head-violet{background:#f1e4fc;color:#6a24a3}.cd-head-purple{background:#ece2fe;color:#5a29b8}.cd-head-indigo{background:#e0e6fb;color:#2b3ca3}
.cd-body{padding:12px 14px;display:flex;flex-direction:column;gap:10px}
.cd-md,.cd-text{word-break:break-word;overflow-wrap:anywhere}
.cd-md a{color:var(--blue-d);text-decoration:none}.cd-md a:hover{text-decoration:underline}
.cd-md code{background:#f2f3f5;border-radius:4px;padding:0 4px;font-size:13px}
.cd-code{background:#f7f8fa;border:1px solid var(--line);border-radius:6px;padding:8px;overflow:auto;font-size:12px;margin:4px 0}
.cd-md-h{font-weight:600;margin:2px 0}.cd-md-h1{font-size:17px}.cd-md-h2{font-size:16px}.cd-md-h3{font-size:15px}
.cd-md-li{display:flex;gap:6px;padding-left:2px}.cd-md-li2{padding-left:18px}.cd-md-bullet{flex:none;color:#646a73}
.cd-md-quote{border-left:3px solid #c9cdd4;padding-left:8px;color:#51565d}
.cd-align-center{text-align:center}.cd-align-right{text-align:right}
.cd-note{font-size:12px;color:var(--muted)}
.cd-muted{font-size:12px;color:var(--muted)}
.cd-hr{border:0;border-top:1px solid var(--line);margin:2px 0;width:100%}
.cd-cols{display:flex;gap:8px;flex-wrap:wrap;align-items:stretch}
.cd-col{min-width:0;display:flex;flex-direction:column;gap:8px}
.cd-col-auto{flex:0 0 auto}.cd-col-w1{flex:1 1 0}.cd-col-w2{flex:2 1 0}.cd-col-w3{flex:3 1 0}.cd-col-w4{flex:4 1 0}.cd-col-w5{flex:5 1 0}
.cd-valign-center{justify-content:center}.cd-valign-bottom{justify-content:flex-end}
.cd-actions{display:flex;gap:8px;flex-wrap:wrap}
.cd-fields{display:flex;flex-wrap:wrap;gap:6px 16px}.cd-fieldcell{flex:1 1 100%}.cd-fieldcell.cd-short{flex:1 1 40%}
.cd-btn{display:inline-flex;align-items:center;justify-content:center;min-height:32px;padding:4px 14px;border-radius:6px;border:1px solid #d0d3d6;background:#fff;cursor:pointer;text-decoration:none;color:var(--text);font-size:14px;white-space:nowrap}
.cd-btn:hover{background:#f5f6f7}
.cd-btn:disabled{opacity:.45;cursor:not-allowed}
.cd-btn-fill{width:100%}
.cd-btn-primary{color:var(--blue-d);border-color:var(--blue)}
.cd-btn-danger{color:var(--red);border-color:#f0a09b}
.cd-btn-text,.cd-btn-primary_text,.cd-btn-danger_text{border-color:transparent;background:transparent}
.cd-btn-primary_text{color:var(--blue-d)}.cd-btn-danger_text{color:var(--red)}
.cd-btn-primary_filled,.cd-btn-laser{background:var(--blue);border-color:var(--blue);color:#fff}
.cd-btn-primary_filled:hover,.cd-btn-laser:hover{background:var(--blue-d)}
.cd-btn-danger_filled{background:var(--red);border-color:var(--red);color:#fff}
.cd-form{display:flex;flex-direction:column;gap:10px;margin:0}
.cd-field{display:flex;flex-direction:column;gap:4px}
.cd-label{font-size:13px;color:#51565d}.cd-req{color:var(--red);margin-left:2px}
.cd-input,.cd-select{width:100%;border:1px solid #d0d3d6;border-radius:6px;padding:6px 9px;background:#fff;outline:none}
.cd-input:focus,.cd-select:focus{border-color:var(--blue)}
textarea.cd-input{resize:vertical}
.cd-multi{display:flex;flex-wrap:wrap;gap:4px 14px}
.cd-check{display:inline-flex;align-items:center;gap:5px}
.cd-panel summary{cursor:pointer;color:#51565d}
.cd-box{border:1px solid var(--line);border-radius:8px;padding:8px 10px}
.cd-chart{border:1px dashed #c9cdd4;border-radius:8px;padding:8px 10px}
.cd-chart-title{font-weight:600;font-size:13px;margin-bottom:4px}
.cd-table-wrap{overflow-x:auto}
.cd-table{border-collapse:collapse;font-size:12px;width:100%}
.cd-table th,.cd-table td{border:1px solid var(--line);padding:3px 6px;text-align:left;white-space:nowrap}
.cd-table th{background:#f7f8fa;font-weight:600}
.cd-img{color:var(--muted);font-size:12px}
.cd-unknown{color:var(--muted);font-size:12px}
.cd-tag{display:inline-block;font-size:11px;font-weight:500;border-radius:4px;padding:0 6px;line-height:18px;background:#f2f3f5;color:#51565d}
.cd-tag-blue{background:#e1eaff;color:#245bdb}.cd-tag-green{background:#d9f5d6;color:#237b19}.cd-tag-red{background:#fde2e2;color:#c02a22}
.cd-tag-orange{background:#feead2;color:#b26206}.cd-tag-yellow{background:#fdf3cc;color:#8a6700}.cd-tag-purple,.cd-tag-violet{background:#ece2fe;color:#6425d0}
.cd-tag-turquoise,.cd-tag-wathet{background:#d5f6f2;color:#0c6c60}.cd-tag-indigo{background:#e0e6fb;color:#2b3ca3}.cd-tag-carmine{background:#fde2ec;color:#9a1b4b}
.cd-fc-red,.cd-fc-carmine{color:#d83931}.cd-fc-green{color:#2ea121}.cd-fc-blue,.cd-fc-indigo{color:#245bdb}.cd-fc-grey{color:#8f959e}
.cd-fc-orange{color:#de7802}.cd-fc-yellow{color:#b88a00}.cd-fc-purple,.cd-fc-violet{color:#7f3bf5}.cd-fc-turquoise,.cd-fc-wathet{color:#0c8a7a}.cd-fc-lime{color:#6a8a00}
`;

const BODY = String.raw`
<header class="top">
  <div class="brand">Copydesk<small>沙盒</small></div>
  <span class="conn" id="conn"></span>
  <label class="who">我是… <select id="who"><option value="">— 选择身份 —</option></select></label>
</header>
<p class="help">投稿：在与机器人的私聊里发送「<b>投稿</b>」，第二行写标题，其后写正文（Shift+Enter 换行，Enter 发送）；发送 <code>/help</code> 查看全部命令。群聊中勾选「@机器人」机器人才会看到。卡片里的按钮都可以直接点。</p>
<main class="main" id="main">
  <section class="pick" id="pick">
    <h2>先选择你的身份</h2>
    <p>这是 Copydesk 的沙盒：不连飞书，数据存在本机 SQLite。换个身份，就能体验投稿、初审、审批、排期的全过程。</p>
    <div class="people" id="people"></div>
  </section>
  <nav class="tabs" id="tabs" hidden>
    <button type="button" data-tab="dm" class="on">与机器人私聊<span class="badge" id="badge-dm"></span></button>
    <button type="button" data-tab="group">工作群<span class="badge" id="badge-group"></span></button>
  </nav>
  <div class="panes" id="panes" hidden>
    <section class="pane on" id="pane-dm" data-chat="dm">
      <div class="pane-title"><span class="t">与机器人私聊</span><span class="sub">只有你和机器人</span></div>
      <div class="msgs" id="msgs-dm"><div class="empty">还没有消息。试试发送 <b>/help</b>，或点下方的「投稿示例」。</div></div>
      <form class="composer" data-chat="dm">
        <div class="chips"><button type="button" class="chip" data-fill="/help">/help</button><button type="button" class="chip" data-fill="/new">/new 表单投稿</button><button type="button" class="chip" data-fill="sample">投稿示例</button></div>
        <textarea rows="1" placeholder="输入消息，Enter 发送"></textarea>
        <button type="submit" class="send">发送</button>
      </form>
    </section>
    <section class="pane" id="pane-group" data-chat="group">
      <div class="pane-title"><span class="t">工作群</span><span class="sub">全组可见</span></div>
      <div class="msgs" id="msgs-group"><div class="empty">群里还没有消息。</div></div>
      <form class="composer" data-chat="group">
        <textarea rows="1" placeholder="群消息，Enter 发送"></textarea>
        <label class="atbot"><input type="checkbox" checked> @机器人</label>
        <button type="submit" class="send">发送</button>
      </form>
    </section>
  </div>
</main>
<div id="toast" role="status" aria-live="polite"></div>
`;

const CLIENT = String.raw`
(function () {
  'use strict';
  var POLL_MS = 1500;
  var ROLE_HINTS = { liaison: '投稿、按意见修改', editor: '初审、排期发布', deputy: '审核把关', leader: '终审：通过 / 退回 / 不予发布' };
  var SAMPLE = '投稿\n我院举办2026年科普开放日活动\n11月28日，我院面向社会公众举办科普开放日活动，300余名市民走进实验室，近距离了解科研工作。\n活动设置了展板讲解、互动实验和专家问答三个环节。';
  var S = { as: '', boot: '', seq: 0, gen: 0, roster: [], names: {}, byId: {}, bot: { id: 'bot', name: 'Copydesk' }, msgs: {}, tab: 'dm', timer: 0, mentionRe: null };

  function $(id) { return document.getElementById(id); }
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function reEsc(s) { return s.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&'); }
  function wide() { return window.matchMedia('(min-width: 960px)').matches; }

  function api(method, path, body) {
    var init = { method: method, headers: { Accept: 'application/json' } };
    if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(path, init).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) { var e = new Error(data.error || ('HTTP ' + r.status)); e.data = data; throw e; }
        return data;
      });
    });
  }

  var toastTimer = 0;
  function toast(type, text) {
    var t = $('toast');
    t.className = 'show ' + (['success', 'error', 'warning', 'info'].indexOf(type) >= 0 ? type : 'info');
    t.textContent = text;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.className = t.className.replace('show', '').trim(); }, 2800);
  }

  function conn(ok) {
    var c = $('conn');
    c.textContent = ok ? '' : '⚠ 连接中断，正在重试…';
    c.className = ok ? 'conn' : 'conn off';
  }

  // ------------------------------------------------------------ roster and identity
  function setRoster(roster) {
    S.roster = roster;
    S.names = {}; S.byId = {};
    roster.forEach(function (m) { S.names[m.id] = m.name; S.byId[m.id] = m; });
    S.names[S.bot.id] = S.bot.name;
    var names = roster.map(function (m) { return m.name; }).concat([S.bot.name]).filter(Boolean)
      .sort(function (a, b) { return b.length - a.length; });
    S.mentionRe = names.length ? new RegExp('@(' + names.map(function (n) { return reEsc(esc(n)); }).join('|') + ')', 'g') : null;
    var sel = $('who');
    var keep = sel.value || S.as;
    sel.innerHTML = '<option value="">— 选择身份 —</option>' + roster.map(function (m) {
      return '<option value="' + esc(m.id) + '">' + esc(m.name) + ' · ' + esc(m.roleLabels.join('、') || '无角色') + (m.department ? ' · ' + esc(m.department) : '') + '</option>';
    }).join('');
    sel.value = keep;
    $('people').innerHTML = roster.map(function (m) {
      var hint = m.roles.map(function (r) { return ROLE_HINTS[r]; }).filter(Boolean).join('；');
      return '<button type="button" class="person" data-pick="' + esc(m.id) + '"><span class="avatar">' + esc(initial(m.name)) + '</span><span>' +
        '<div class="who-nm">' + esc(m.name) + (m.department ? ' <span class="who-hint">' + esc(m.department) + '</span>' : '') + '</div>' +
        '<div class="who-roles">' + esc(m.roleLabels.join('、') || '无角色') + '</div>' +
        (hint ? '<div class="who-hint">' + esc(hint) + '</div>' : '') + '</span></button>';
    }).join('');
  }
  function initial(name) { return String(name || '?').trim().charAt(0) || '?'; }

  function choose(id) {
    if (id && !S.byId[id]) id = '';
    S.as = id; S.seq = 0; S.gen++; S.msgs = {};
    clearTimeout(S.timer);
    $('who').value = id;
    try { if (id) localStorage.setItem('copydesk.sandbox.as', id); } catch (e) { /* private mode */ }
    if (history.replaceState) history.replaceState(null, '', id ? '#as=' + encodeURIComponent(id) : '#');
    clearPanes();
    $('pick').hidden = !!id;
    $('tabs').hidden = !id;
    $('panes').hidden = !id;
    if (id) { showTab('dm'); poll(); }
  }

  function clearPanes() {
    S.msgs = {};
    ['dm', 'group'].forEach(function (k) {
      $('msgs-' + k).innerHTML = '<div class="empty">' + (k === 'dm' ? '还没有消息。试试发送 <b>/help</b>，或点下方的「投稿示例」。' : '群里还没有消息。') + '</div>';
      $('badge-' + k).textContent = '';
    });
  }

  function showTab(tab) {
    S.tab = tab;
    Array.prototype.forEach.call(document.querySelectorAll('.tabs button'), function (b) { b.classList.toggle('on', b.getAttribute('data-tab') === tab); });
    $('pane-dm').classList.toggle('on', tab === 'dm');
    $('pane-group').classList.toggle('on', tab === 'group');
    $('badge-' + tab).textContent = '';
    var box = $('msgs-' + tab); box.scrollTop = box.scrollHeight;
  }

  // ------------------------------------------------------------ polling and rendering
  function poll() {
    var gen = S.gen;
    clearTimeout(S.timer);
    if (!S.as) return;
    api('GET', '/sandbox/api/state?as=' + encodeURIComponent(S.as) + '&since=' + S.seq).then(function (data) {
      if (gen !== S.gen) return;
      conn(true);
      apply(data);
      S.timer = setTimeout(poll, POLL_MS);
    }, function (err) {
      if (gen !== S.gen) return;
      conn(false);
      if (err && err.data && err.data.error) { toast('error', err.data.error); choose(''); return; }
      S.timer = setTimeout(poll, POLL_MS * 2);
    });
  }

  function apply(data) {
    if (data.bot) S.bot = data.bot;
    if (S.boot && data.boot !== S.boot && S.seq > 0) {
      // The server restarted: its seq numbers mean something else now; start over.
      S.boot = data.boot; S.seq = 0; clearPanes();
      return;
    }
    S.boot = data.boot;
    if (data.reset) clearPanes();
    if (JSON.stringify(data.roster) !== JSON.stringify(S.roster)) setRoster(data.roster || []);
    var kinds = {};
    var first = S.seq === 0;
    (data.chats || []).forEach(function (chat) {
      kinds[chat.kind] = true;
      var pane = $('pane-' + chat.kind);
      if (!pane) return;
      pane.querySelector('.pane-title .t').textContent = chat.title;
      var box = $('msgs-' + chat.kind);
      var follow = first || box.scrollHeight - box.scrollTop - box.clientHeight < 120;
      chat.messages.forEach(function (m) {
        if (upsert(chat.kind, m) && m.sender.id === S.as) follow = true;
      });
      if (chat.messages.length && follow) box.scrollTop = box.scrollHeight;
    });
    var inGroup = !!kinds.group;
    $('pane-group').classList.toggle('hidden', !inGroup);
    $('panes').classList.toggle('two', inGroup);
    document.querySelector('.tabs [data-tab="group"]').hidden = !inGroup;
    S.seq = data.seq;
  }

  function quoteOf(id) {
    var m = S.msgs[id];
    if (!m) return '回复一条消息';
    var what = m.kind === 'card' ? '[卡片] ' + cardTitle(m.card) : (m.text || '');
    return '回复 ' + (m.sender ? m.sender.name : '') + '：' + what.replace(/\s+/g, ' ').slice(0, 60);
  }
  function cardTitle(card) {
    try { return card.header.title.content || ''; } catch (e) { return ''; }
  }
  function time(iso) {
    var d = new Date(iso);
    var p = function (n) { return (n < 10 ? '0' : '') + n; };
    return p(d.getHours()) + ':' + p(d.getMinutes());
  }
  function textHtml(text) {
    var html = esc(text);
    if (S.mentionRe) html = html.replace(S.mentionRe, '<span class="at">@$1</span>');
    return html.replace(/\n/g, '<br>');
  }

  function cardHtml(card) {
    try { return renderCardHtml(card, { names: S.names }); } catch (e) { return '<div class="cd-card cd-card-bad">［卡片渲染失败］</div>'; }
  }

  function messageHtml(m) {
    var mine = m.sender.id === S.as;
    var member = S.byId[m.sender.id];
    var meta = '<div class="meta"><span class="nm">' + esc(mine ? '我' : m.sender.name) + '</span>' +
      (m.sender.isBot ? '<span class="tag">机器人</span>' : member && member.roleLabels.length ? '<span class="tag">' + esc(member.roleLabels[0]) + '</span>' : '') +
      '<time>' + esc(time(m.createdAt)) + '</time></div>';
    var quote = m.replyTo ? '<div class="quote" data-goto="' + esc(m.replyTo) + '">↪ ' + esc(quoteOf(m.replyTo)) + '</div>' : '';
    var body = m.kind === 'card'
      ? '<div class="cardwrap" data-mid="' + esc(m.id) + '">' + cardHtml(m.card) + '</div>'
      : '<div class="bubble">' + textHtml(m.text) + '</div>';
    return '<div class="avatar">' + (m.sender.isBot ? 'CD' : esc(initial(m.sender.name))) + '</div>' +
      '<div class="col">' + meta + quote + body + (m.failed ? '<div class="failed">机器人未能接收这条消息</div>' : '') + '</div>';
  }

  /** Adds or re-renders a message; true when it is new to this page. */
  function upsert(kind, m) {
    var prev = S.msgs[m.id];
    if (prev && prev.seq >= m.seq) return false;
    S.msgs[m.id] = m;
    var box = $('msgs-' + kind);
    var empty = box.querySelector('.empty');
    if (empty) empty.remove();
    var el = document.getElementById('msg-' + m.id);
    if (!el) {
      el = document.createElement('div');
      el.id = 'msg-' + m.id;
      box.appendChild(el);
      if (m.sender.id !== S.as && (!wide() && S.tab !== kind)) {
        var b = $('badge-' + kind); b.textContent = String((parseInt(b.textContent, 10) || 0) + 1);
      }
    }
    el.className = 'msg ' + (m.sender.isBot ? 'bot' : m.sender.id === S.as ? 'mine' : 'other');
    el.innerHTML = messageHtml(m);
    return !prev;
  }

  // ------------------------------------------------------------ sending messages
  function send(form) {
    var chat = form.getAttribute('data-chat');
    var ta = form.querySelector('textarea');
    var text = ta.value;
    if (!text.trim() || !S.as) return;
    var btn = form.querySelector('.send');
    var body = { as: S.as, chat: chat, text: text };
    if (chat === 'group') body.mentionBot = form.querySelector('.atbot input').checked;
    btn.disabled = true;
    api('POST', '/sandbox/api/messages', body).then(function () {
      ta.value = ''; grow(ta); poll();
    }, function (err) {
      toast('error', '发送失败：' + err.message); poll();
    }).then(function () { btn.disabled = false; ta.focus(); });
  }
  function grow(ta) { ta.rows = Math.min(10, Math.max(1, ta.value.split('\n').length)); }

  // ------------------------------------------------------------ card actions
  function parseValue(s) {
    var v;
    try { v = JSON.parse(s || '{}'); } catch (e) { v = {}; }
    return v && typeof v === 'object' && !Array.isArray(v) ? v : (v == null ? {} : { value: v });
  }
  function tz() {
    var off = -new Date().getTimezoneOffset(), a = Math.abs(off);
    var p = function (n) { return (n < 10 ? '0' : '') + n; };
    return (off >= 0 ? '+' : '-') + p(Math.floor(a / 60)) + p(a % 60);
  }
  function fieldValue(el) {
    var kind = el.getAttribute('data-cd-field');
    if (kind === 'multi') {
      return Array.prototype.filter.call(el.querySelectorAll('input[type=checkbox]'), function (c) { return c.checked; })
        .map(function (c) { return c.value; });
    }
    var v = el.value;
    if (kind === 'input') return v;
    if (!v) return '';
    if (kind === 'date') return v + ' ' + tz();
    if (kind === 'datetime') return v.replace('T', ' ').slice(0, 16) + ' ' + tz();
    return v;
  }
  function fieldLabel(el) {
    var f = el.closest('.cd-field');
    var l = f && f.querySelector('.cd-label');
    return (l && l.firstChild && l.firstChild.textContent) || el.getAttribute('placeholder') || el.getAttribute('data-cd-name');
  }
  function collect(form) {
    var values = {}, missing = [];
    Array.prototype.forEach.call(form.querySelectorAll('[data-cd-field]'), function (el) {
      var name = el.getAttribute('data-cd-name');
      if (!name || el.closest('form') !== form) return;
      var v = fieldValue(el);
      var empty = Array.isArray(v) ? v.length === 0 : !String(v).trim();
      if (empty && el.hasAttribute('data-cd-required')) missing.push(fieldLabel(el));
      if (el.getAttribute('data-cd-field') === 'input' || !empty) values[name] = v;
    });
    return { values: values, missing: missing };
  }

  function act(wrap, value, formValue) {
    var id = wrap.getAttribute('data-mid');
    wrap.classList.add('busy');
    api('POST', '/sandbox/api/actions', { as: S.as, messageId: id, value: value, formValue: formValue }).then(function (data) {
      if (data.toast) toast(data.toast.type, data.toast.content);
      if (data.card && S.msgs[id]) {
        S.msgs[id].card = data.card;
        var el = document.getElementById('msg-' + id);
        var w = el && el.querySelector('.cardwrap');
        if (w) w.innerHTML = cardHtml(data.card);
      }
    }, function (err) {
      var t = err.data && err.data.toast;
      toast('error', t ? t.content : '操作失败：' + err.message);
    }).then(function () { wrap.classList.remove('busy'); poll(); });
  }

  document.addEventListener('click', function (e) {
    var t = e.target;
    var pick = t.closest('[data-pick]');
    if (pick) { choose(pick.getAttribute('data-pick')); return; }
    var tab = t.closest('.tabs [data-tab]');
    if (tab) { showTab(tab.getAttribute('data-tab')); return; }
    var fill = t.closest('[data-fill]');
    if (fill) {
      var ta = fill.closest('form').querySelector('textarea');
      ta.value = fill.getAttribute('data-fill') === 'sample' ? SAMPLE : fill.getAttribute('data-fill');
      grow(ta); ta.focus();
      return;
    }
    var q = t.closest('[data-goto]');
    if (q) {
      var target = document.getElementById('msg-' + q.getAttribute('data-goto'));
      if (target) { target.scrollIntoView({ block: 'center' }); target.classList.remove('flash'); void target.offsetWidth; target.classList.add('flash'); }
      return;
    }
    var btn = t.closest('[data-cd-action]');
    if (!btn || btn.disabled) return;
    var wrap = btn.closest('[data-mid]');
    if (!wrap) return;
    e.preventDefault();
    var kind = btn.getAttribute('data-cd-action');
    var form = btn.closest('form');
    if (kind === 'reset') { if (form) form.reset(); return; }
    var formValue = {};
    if (kind === 'submit' && form) {
      var r = collect(form);
      if (r.missing.length) { toast('warning', '请填写：' + r.missing.join('、')); return; }
      formValue = r.values;
    }
    var confirmText = btn.getAttribute('data-cd-confirm');
    if (confirmText && !window.confirm(confirmText)) return;
    act(wrap, parseValue(btn.getAttribute('data-cd-value')), formValue);
  });

  document.addEventListener('change', function (e) {
    if (e.target.id === 'who') { choose(e.target.value); return; }
    var el = e.target.closest('[data-cd-standalone]');
    var wrap = el && el.closest('[data-mid]');
    if (!el || !wrap) return;
    var name = el.getAttribute('data-cd-name');
    var fv = {};
    if (name) fv[name] = fieldValue(el);
    act(wrap, parseValue(el.getAttribute('data-cd-value')), fv);
  });

  document.addEventListener('submit', function (e) {
    e.preventDefault();
    if (e.target.classList.contains('composer')) send(e.target);
  });

  document.addEventListener('keydown', function (e) {
    var ta = e.target;
    if (ta.tagName !== 'TEXTAREA' || !ta.closest('.composer')) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      send(ta.closest('form'));
    }
  });
  document.addEventListener('input', function (e) { if (e.target.tagName === 'TEXTAREA' && e.target.closest('.composer')) grow(e.target); });
  window.addEventListener('hashchange', function () {
    var h = /(?:^|[#&])as=([^&]+)/.exec(location.hash);
    var id = h ? decodeURIComponent(h[1]) : '';
    if (id !== S.as && S.byId[id]) choose(id);
  });
  document.addEventListener('visibilitychange', function () { if (!document.hidden && S.as) poll(); });

  // ------------------------------------------------------------ start
  api('GET', '/sandbox/api/state').then(function (data) {
    if (data.bot) S.bot = data.bot;
    setRoster(data.roster || []);
    var fromHash = /(?:^|[#&])as=([^&]+)/.exec(location.hash);
    var saved = '';
    try { saved = localStorage.getItem('copydesk.sandbox.as') || ''; } catch (e) { /* private mode */ }
    choose(fromHash ? decodeURIComponent(fromHash[1]) : saved);
  }, function (err) { conn(false); toast('error', '无法连接沙盒：' + err.message); });
})();
`;

const FAVICON =
  "data:image/svg+xml," +
  encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#3370ff"/><text x="16" y="22" font-size="16" font-family="sans-serif" font-weight="700" fill="#fff" text-anchor="middle">C</text></svg>');

/** Builds the page once; the caller substitutes `__CSP_NONCE__`. */
export function buildSandboxPage(): string {
  // `__name` is a no-op stand-in for the helper some TypeScript runners (tsx/esbuild keepNames)
  // insert into compiled functions; the inlined renderer must not depend on anything else.
  const renderer = 'var __name = function (f) { return f; };\nvar renderCardHtml = ' + renderCardHtml.toString() + ';\n';
  return (
    '<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">\n' +
    '<title>Copydesk 沙盒</title>\n<link rel="icon" href="' + FAVICON + '">\n<style nonce="__CSP_NONCE__">' + CSS + '</style>\n</head>\n<body>' + BODY +
    '<script nonce="__CSP_NONCE__">\n' + renderer.replace(/<\/(script)/gi, '<\\/$1') + CLIENT + '</script>\n</body>\n</html>\n'
  );
}
