/* loket web chat widget. An agency embeds the chat with one tag on its own site:

     <script src="https://LOKET-HOST/chat/widget.js" async
             data-title="Tanya Kecamatan Beji" data-agency="Kecamatan Beji"></script>

   Optional attributes: data-title (the heading), data-agency (the agency or region whose
   services answer first), data-label (the button's text), data-position="left",
   data-color="#0b5cad". The script adds one button; pressing it opens the chat page of the same
   loket server in an iframe (full screen on a phone), so the chat runs isolated from the page.
   Nothing is loaded until the button is pressed; styles are set through the DOM, so the page's
   own Content-Security-Policy needs only this host in script-src and frame-src. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.loketChatWidget) { return; }
  var TEXTS = /*TEXTS*/{};
  var source = new URL(script.src, window.location.href);
  var page = new URL('.', source).href.replace(/\/$/, '');
  var data = script.dataset || {};
  var side = data.position === 'left' ? 'left' : 'right';
  var color = /^#[0-9a-fA-F]{3,8}$/.test(data.color || '') ? data.color : '#0b5cad';
  var title = (data.title || TEXTS.title || '').slice(0, 80);
  var query = new URLSearchParams({ embed: '1' });
  if (data.title) { query.set('title', title); }
  if (data.agency) { query.set('agency', data.agency.slice(0, 100)); }

  var launcher = null;
  var panel = null;
  var frame = null;
  var opened = false;

  function css(element, styles) {
    Object.keys(styles).forEach(function (name) { element.style.setProperty(name, styles[name], 'important'); });
  }

  function phone() { return window.innerWidth < 600; }

  function layout() {
    if (panel) {
      if (phone()) {
        css(panel, { top: '0', bottom: '0', left: '0', right: '0', width: '100%', height: '100%', 'border-radius': '0' });
      } else {
        css(panel, {
          top: 'auto', bottom: '88px', width: '380px', height: 'min(640px, calc(100vh - 112px))',
          'border-radius': '14px'
        });
        panel.style.setProperty(side, '20px', 'important');
        panel.style.setProperty(side === 'left' ? 'right' : 'left', 'auto', 'important');
      }
      panel.style.setProperty('display', opened ? 'block' : 'none', 'important');
    }
    launcher.style.setProperty('display', opened && phone() ? 'none' : 'block', 'important');
  }

  function open() {
    if (!panel) {
      panel = document.createElement('div');
      panel.id = 'loket-chat-panel';
      css(panel, {
        all: 'initial', position: 'fixed', 'z-index': '2147483000', overflow: 'hidden',
        background: '#ffffff', 'box-shadow': '0 12px 40px rgba(0,0,0,.28)'
      });
      frame = document.createElement('iframe');
      frame.title = title;
      frame.src = page + '?' + query.toString();
      frame.setAttribute('allow', 'geolocation');
      css(frame, { all: 'initial', display: 'block', width: '100%', height: '100%', border: '0' });
      panel.appendChild(frame);
      document.body.appendChild(panel);
    }
    opened = true;
    launcher.setAttribute('aria-expanded', 'true');
    layout();
    frame.focus();
  }

  function close() {
    opened = false;
    launcher.setAttribute('aria-expanded', 'false');
    layout();
    launcher.focus();
  }

  function init() {
    launcher = document.createElement('button');
    launcher.type = 'button';
    launcher.id = 'loket-chat-launcher';
    launcher.textContent = (data.label || TEXTS.launcher).slice(0, 40);
    launcher.setAttribute('aria-label', TEXTS.open);
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-controls', 'loket-chat-panel');
    css(launcher, {
      all: 'initial', position: 'fixed', bottom: '20px', 'z-index': '2147483000', cursor: 'pointer',
      'min-height': '48px', padding: '12px 20px', 'border-radius': '999px', background: color, color: '#ffffff',
      font: '600 16px/1.2 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
      'box-shadow': '0 6px 20px rgba(0,0,0,.25)'
    });
    launcher.style.setProperty(side, '20px', 'important');
    launcher.addEventListener('click', function () { if (opened) { close(); } else { open(); } });
    document.body.appendChild(launcher);
    window.addEventListener('resize', layout);
    window.addEventListener('message', function (event) {
      if (!frame || event.source !== frame.contentWindow || event.origin !== source.origin) { return; }
      if (event.data && event.data.type === 'loket-chat:close') { close(); }
    });
    layout();
  }

  window.loketChatWidget = { open: function () { if (launcher) { open(); } }, close: function () { if (launcher) { close(); } } };
  if (document.body) { init(); } else { document.addEventListener('DOMContentLoaded', init); }
}());
