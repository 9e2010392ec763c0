/**
 * The script behind `<script src=".../embed.js" data-agent="<uuid>" data-key="pk_…">`: a chat
 * bubble that opens the agent's phone page in an iframe. It runs on someone else's website, so it
 * is plain ES2017 with no dependency, draws inside a shadow root (the site's CSS cannot reach it)
 * and loads the iframe only on the first click. Which sites may frame the page is decided by the
 * page's own `frame-ancestors` (the agent's allowed origins), not by this script.
 *
 * On a phone (≤ 480 px) the panel fills the screen, so the bubble would sit under the iframe: the
 * panel then carries its own bar with a close button (it works even when the frame shows an error
 * page). Esc closes the panel from the host page, and from inside the frame the phone page posts
 * `{ type: 'agenta:close' }` (accepted only from this frame and the server's origin).
 *
 * Before the first frame loads, the script asks `/embed/check/<uuid>?key=` whether this site, this
 * key and this agent will be served; if not, the panel tells the site owner why and what to change
 * (a refused frame would only show the browser's "refused to connect").
 */
export const EMBED_SCRIPT = `(function () {
  'use strict';
  var script = document.currentScript;
  if (!script) return;
  var agent = script.getAttribute('data-agent');
  var key = script.getAttribute('data-key');
  if (!agent || !key) {
    console.error('[agenta] embed.js needs data-agent="<agent uuid>" and data-key="pk_…" on its script tag');
    return;
  }
  var base = new URL(script.src, location.href).origin;
  var color = /^#[0-9a-f]{6}$/i.test(script.getAttribute('data-color') || '') ? script.getAttribute('data-color') : '#4f6ef7';
  var side = script.getAttribute('data-position') === 'left' ? 'left' : 'right';
  var zh = /^zh/i.test(document.documentElement.lang || navigator.language || '');
  var label = { open: zh ? '打开聊天' : 'Open chat', close: zh ? '关闭聊天' : 'Close chat', title: zh ? '聊天' : 'Chat' };

  var host = document.createElement('div');
  host.setAttribute('data-agenta-embed', agent);
  var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
  var style = document.createElement('style');
  style.textContent =
    ':host{all:initial}' +
    '.bubble{position:fixed;bottom:20px;' + side + ':20px;width:56px;height:56px;border-radius:50%;border:none;cursor:pointer;' +
    'background:' + color + ';color:#fff;box-shadow:0 6px 20px rgba(0,0,0,.25);z-index:2147483646;display:flex;align-items:center;justify-content:center;transition:transform .15s}' +
    '.bubble:hover{transform:scale(1.06)}.bubble svg{width:26px;height:26px}' +
    '.panel{position:fixed;bottom:88px;' + side + ':20px;width:380px;height:min(640px,calc(100vh - 110px));border-radius:16px;overflow:hidden;' +
    'box-shadow:0 12px 40px rgba(0,0,0,.28);z-index:2147483647;background:#fff;display:none;flex-direction:column}' +
    '.panel.open{display:flex}.panel iframe{width:100%;flex:1;min-height:0;border:0;display:block}' +
    '.bar{display:none;align-items:center;justify-content:space-between;height:44px;padding:0 6px 0 14px;flex:none;background:' + color + ';color:#fff;' +
    'font:600 15px/1 -apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Noto Sans CJK SC",sans-serif}' +
    '.x{width:40px;height:40px;border:none;border-radius:50%;background:transparent;color:#fff;cursor:pointer;display:flex;align-items:center;justify-content:center}' +
    '.problem{flex:1;padding:24px;color:#333;font:15px/1.6 -apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Noto Sans CJK SC",sans-serif;overflow:auto;word-break:break-word}' +
    '.x:hover,.x:focus-visible{background:rgba(255,255,255,.2);outline:none}.x svg{width:22px;height:22px}' +
    '@media (max-width:480px){.panel{left:0;right:0;top:0;bottom:0;width:100%;height:100%;border-radius:0}.bar{display:flex}.bubble.open{display:none}}';
  var chatIcon = '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/></svg>';
  var closeIcon = '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><path d="M18 6 6 18M6 6l12 12"/></svg>';
  var button = document.createElement('button');
  button.className = 'bubble';
  button.type = 'button';
  button.setAttribute('data-testid', 'agenta-bubble');
  button.setAttribute('aria-label', label.open);
  button.innerHTML = chatIcon;
  var panel = document.createElement('div');
  panel.className = 'panel';
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', label.title);
  var bar = document.createElement('div');
  bar.className = 'bar';
  var barTitle = document.createElement('span');
  barTitle.textContent = label.title;
  var closeButton = document.createElement('button');
  closeButton.className = 'x';
  closeButton.type = 'button';
  closeButton.setAttribute('data-testid', 'agenta-close');
  closeButton.setAttribute('aria-label', label.close);
  closeButton.innerHTML = closeIcon;
  bar.appendChild(barTitle);
  bar.appendChild(closeButton);
  panel.appendChild(bar);
  var frame = null;
  var checking = false;
  var open = false;
  function setOpen(next) {
    open = next;
    if (open && !frame && !checking) {
      checking = true;
      check();
    }
    panel.className = open ? 'panel open' : 'panel';
    button.className = open ? 'bubble open' : 'bubble';
    button.innerHTML = open ? closeIcon : chatIcon;
    button.setAttribute('aria-label', open ? label.close : label.open);
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
  }
  // Ask the server first: a frame it refuses shows only the browser's "refused to connect".
  function check() {
    fetch(base + '/embed/check/' + encodeURIComponent(agent) + '?key=' + encodeURIComponent(key), { credentials: 'omit' })
      .then(function (r) { return r.json(); })
      .then(function (v) {
        if (v && v.ok) showFrame();
        else showProblem((v && v.reason) || 'unavailable', (v && v.origin) || location.origin);
      }, function (err) {
        console.warn('[agenta] cannot reach ' + base, err);
        showProblem('unreachable', location.origin);
      });
  }
  function showProblem(reason, site) {
    var text = {
      origin: zh
        ? '此网站（' + site + '）不在该智能体允许嵌入的网站中。请在 Agenta Studio 里该智能体的“发布”设置中，把 ' + site + ' 加入允许的网站。'
        : 'This website (' + site + ') is not allowed to show this agent. In Agenta Studio, add ' + site + " to the allowed websites in the agent's Publish settings.",
      key: zh
        ? '组件代码中的公钥（data-key）不正确，智能体的公钥可能已更换。请从智能体的“发布”设置中复制新的代码。'
        : "The key (data-key) in this widget's code is wrong; the agent's key may have been replaced. Copy the new snippet from the agent's Publish settings.",
      unavailable: zh
        ? '该智能体未发布，或组件代码中的 data-agent 不正确。请在智能体的“发布”设置中发布它。'
        : "This agent is not published, or the data-agent in this widget's code is wrong. Publish it in the agent's Publish settings.",
      unreachable: zh ? '无法连接智能体的服务器 ' + base + '。' : "Cannot reach the agent's server at " + base + '.'
    }[reason] || '';
    console.warn('[agenta] ' + text);
    var box = document.createElement('div');
    box.className = 'problem';
    box.setAttribute('role', 'alert');
    box.setAttribute('data-testid', 'agenta-problem');
    box.setAttribute('data-reason', reason);
    box.textContent = text;
    panel.appendChild(box);
  }
  function showFrame() {
    if (!frame) {
      frame = document.createElement('iframe');
      frame.src = base + '/chat/' + encodeURIComponent(agent) + '?embed=1&key=' + encodeURIComponent(key);
      frame.title = label.title;
      frame.setAttribute('data-testid', 'agenta-frame');
      // The phone page's hold-to-talk and spoken replies need the microphone and autoplay inside the frame.
      frame.setAttribute('allow', 'clipboard-write; microphone; autoplay');
      panel.appendChild(frame);
    }
  }
  function close() {
    if (!open) return;
    setOpen(false);
    button.focus();
  }
  button.addEventListener('click', function () {
    setOpen(!open);
  });
  closeButton.addEventListener('click', close);
  document.addEventListener('keydown', function (e) {
    if (open && (e.key === 'Escape' || e.key === 'Esc')) close();
  });
  window.addEventListener('message', function (e) {
    if (!frame || e.source !== frame.contentWindow || e.origin !== base) return;
    if (e.data && e.data.type === 'agenta:close') close();
  });
  root.appendChild(style);
  root.appendChild(panel);
  root.appendChild(button);
  (document.body || document.documentElement).appendChild(host);
})();
`
