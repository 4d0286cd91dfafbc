/* relink review: the page. Vanilla JavaScript, no libraries, no network
   but its own server (and none at all in a static report). */
(function () {
  'use strict';

  var CLASSES = ['variant', 'ambiguous', 'alias', 'broken', 'duplicate', 'heading', 'renamed'];
  var CLASS_WHAT = {
    variant: 'Another spelling of exactly one note: rewritten to its name.',
    ambiguous: 'Matches two or more notes: never rewritten unless you pick one.',
    alias: 'Only an alias matches: a suggestion you may accept.',
    broken: 'Nothing matches: near names are offered as hints.',
    duplicate: 'Points to a note marked duplicate_of another.',
    heading: 'The note exists; its #heading does not.',
    renamed: 'Uses a former name of a note moved, renamed or retitled since the last run: rewritten to its new name.'
  };
  var EDIT_CLASSES = ['variant', 'renamed', 'heading', 'alias', 'duplicate'];
  // shownClasses are the classes the overview lists: renamed only for a
  // vault with renamed notes (the JSON stats have it only then).
  function shownClasses(st) {
    return CLASSES.filter(function (c) { return c !== 'renamed' || st.renamed > 0; });
  }
  var GROUPS_PER_PAGE = 12;
  var LINKS_SHOWN = 6;
  var CASES_PER_PAGE = 20;
  var GRAPH_NOTES = 32;
  var GRAPH_SPELLINGS = 9;

  // ------------------------------------------------------------------
  // DOM helpers

  function h(tag, props) {
    var el = document.createElement(tag);
    if (props) setProps(el, props);
    for (var i = 2; i < arguments.length; i++) add(el, arguments[i]);
    return el;
  }
  function setProps(el, props) {
    for (var k in props) {
      var v = props[k];
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
      else if (k === 'checked' || k === 'disabled' || k === 'value' || k === 'indeterminate') el[k] = v;
      else el.setAttribute(k, v === true ? '' : v);
    }
  }
  function add(el, kid) {
    if (kid === undefined || kid === null || kid === false) return;
    if (Array.isArray(kid)) { kid.forEach(function (k) { add(el, k); }); return; }
    el.appendChild(typeof kid === 'string' || typeof kid === 'number' ? document.createTextNode(String(kid)) : kid);
  }
  var SVGNS = 'http://www.w3.org/2000/svg';
  function s(tag, attrs) {
    var el = document.createElementNS(SVGNS, tag);
    for (var k in attrs || {}) {
      if (k === 'text') el.textContent = attrs[k];
      else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), attrs[k]);
      else if (attrs[k] !== undefined && attrs[k] !== null) el.setAttribute(k, attrs[k]);
    }
    for (var i = 2; i < arguments.length; i++) if (arguments[i]) el.appendChild(arguments[i]);
    return el;
  }
  function fmt(n) { return Number(n).toLocaleString('en-US'); }
  function plural(n, one, many) { return fmt(n) + ' ' + (n === 1 ? one : (many || one + 's')); }
  function clip(t, n) { t = String(t); return t.length > n ? t.slice(0, n - 1) + '…' : t; }
  function badge(cls) { return h('span', { class: 'badge c-' + cls }, cls); }

  function icon(name, size) {
    size = size || 16;
    var paths = {
      search: 'M11 11l3.5 3.5M7 12.5A5.5 5.5 0 1 0 7 1.5a5.5 5.5 0 0 0 0 11z',
      check: 'M3 8.5l3.2 3.2L13 5',
      reload: 'M13.5 8a5.5 5.5 0 1 1-1.6-3.9M13.5 2v3h-3',
      undo: 'M5 6H10.5a3.5 3.5 0 0 1 0 7H7M5 6l2.5-2.5M5 6l2.5 2.5',
      warn: 'M8 2l6.5 11.5h-13zM8 6.5v3M8 11.6v.2'
    };
    return s('svg', { width: size, height: size, viewBox: '0 0 16 16', fill: 'none', stroke: 'currentColor', 'stroke-width': 1.7, 'stroke-linecap': 'round', 'stroke-linejoin': 'round', 'aria-hidden': 'true' },
      s('path', { d: paths[name] }));
  }
  function logo() {
    return s('svg', { width: 26, height: 26, viewBox: '0 0 32 32', 'aria-hidden': 'true' },
      s('rect', { width: 32, height: 32, rx: 7, fill: '#1f3b4d' }),
      s('path', { d: 'M9 13.5a4.5 4.5 0 0 1 4.5-4.5H17a4.5 4.5 0 0 1 0 9h-1.5', fill: 'none', stroke: '#7fd1c1', 'stroke-width': 2.6, 'stroke-linecap': 'round' }),
      s('path', { d: 'M23 18.5a4.5 4.5 0 0 1-4.5 4.5H15a4.5 4.5 0 0 1 0-9h1.5', fill: 'none', stroke: '#fff', 'stroke-width': 2.6, 'stroke-linecap': 'round' }));
  }

  // ------------------------------------------------------------------
  // State

  var S = {
    data: null,
    static: false,
    token: '',
    tab: 'overview',
    v: { q: '', cls: {}, page: 0, expanded: {} },
    hc: { q: '', cls: 'all', page: 0 },
    applied: null,   // the last apply's response
    undone: null,    // the last undo's response
    error: null,     // a page-wide error (the server went away, say)
    busy: '',
    toast: null,
    queue: Promise.resolve(),
    checks: [],      // checkboxes of the current view: {el, ids, row}
    cases: [],       // hard-case cards of the current view: {id, el}
    d: null          // derived data
  };

  function title(path) {
    var n = S.data.notes[path];
    if (n && n.title) return n.title;
    var b = path.split('/').pop();
    return b.replace(/\.(md|markdown)$/i, '');
  }

  // formerNames is how a rename group names the note's old name(s): the
  // former paths or titles its links used, else their spellings.
  function formerNames(r) {
    if (r.former && r.former.length) return r.former.join(', ');
    var seen = {}, out = [];
    r.edits.forEach(function (id) { var t = S.data.edits[id].spelling; if (!seen[t]) { seen[t] = 1; out.push(t); } });
    return out.join(', ');
  }

  // derive groups the plan's edits by target note and spelling, and counts
  // what the views show. The edits that follow one renamed note (the
  // plan's rename groups) make one group of their own, with a single
  // "spelling": its former name, whatever the links' spellings.
  function derive() {
    var d = S.data, byTarget = {}, groups = [], inRename = {};
    (d.renames || []).forEach(function (r) { r.edits.forEach(function (id) { inRename[id] = r; }); });
    d.edits.forEach(function (e) {
      var r = inRename[e.id] || null;
      var key = r ? 'rename\n' + r.note : e.target;
      var g = byTarget[key];
      if (!g) {
        g = byTarget[key] = { target: e.target, title: title(e.target), ids: [], sp: {}, spellings: [], classes: {}, rename: r };
        if (r) g.former = formerNames(r);
        groups.push(g);
      }
      g.ids.push(e.id);
      g.classes[e.class] = true;
      var text = r ? g.former : e.spelling;
      var sp = g.sp[text];
      if (!sp) { sp = g.sp[text] = { text: text, ids: [], cls: e.class }; g.spellings.push(sp); }
      sp.ids.push(e.id);
    });
    groups.forEach(function (g) {
      g.spellings.sort(function (a, b) { return b.ids.length - a.ids.length || (a.text < b.text ? -1 : 1); });
      var hay = [g.title, g.target];
      g.spellings.forEach(function (sp) { hay.push(sp.text); sp.ids.forEach(function (id) { hay.push(d.edits[id].file, d.edits[id].spelling); }); });
      g.hay = hay.join('\n').toLowerCase();
    });
    // Renamed notes first: each is one decision, made at once.
    groups.sort(function (a, b) {
      return (b.rename ? 1 : 0) - (a.rename ? 1 : 0) || b.ids.length - a.ids.length || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0);
    });
    var editClasses = {};
    d.edits.forEach(function (e) { editClasses[e.class] = (editClasses[e.class] || 0) + 1; });
    var findClasses = {};
    d.findings.forEach(function (f) {
      findClasses[f.class] = (findClasses[f.class] || 0) + 1;
      f.hay = [f.file, f.link, f.spelling, f.message || ''].concat(f.candidates || [], f.hints || []).join('\n').toLowerCase();
    });
    var files = {};
    d.edits.forEach(function (e) { files[e.file] = 1; });
    S.d = { groups: groups, editClasses: editClasses, findClasses: findClasses, editFiles: Object.keys(files).length };
  }

  function chosenEdits() {
    var d = S.data, out = [];
    d.edits.forEach(function (e) { if (e.on) out.push(e); });
    d.findings.forEach(function (f) { if (f.choice >= 0) out.push(f.options[f.choice].edit); });
    return out;
  }

  // ------------------------------------------------------------------
  // Server

  function api(method, path, body) {
    var opts = { method: method, headers: { 'X-Relink-Token': S.token }, credentials: 'same-origin', cache: 'no-store' };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    return fetch(path, opts).then(function (res) {
      return res.text().then(function (t) {
        var j;
        try { j = JSON.parse(t); } catch (e) { j = { error: (t || res.statusText).trim() }; }
        if (!res.ok) {
          var err = new Error(j.error || ('HTTP ' + res.status));
          err.status = res.status; err.body = j;
          throw err;
        }
        return j;
      });
    }, function () {
      var err = new Error('relink review is not answering: was it stopped? Start it again and reload this page.');
      err.status = 0;
      throw err;
    });
  }

  function enqueue(fn) {
    var p = S.queue.then(fn, fn);
    S.queue = p.catch(function () {});
    return p;
  }

  function fetchPlan() {
    return api('GET', '/api/plan').then(function (d) {
      S.data = d;
      // A reloaded page gets this run's last apply from the server, so
      // that it can still be undone.
      if (!S.applied && d.applied) S.applied = d.applied;
      derive();
    });
  }

  function toast(msg, bad) {
    S.toast = { msg: msg, bad: bad };
    renderToast();
    clearTimeout(S.toastTimer);
    S.toastTimer = setTimeout(function () { S.toast = null; renderToast(); }, bad ? 7000 : 3000);
  }

  function setBusy(msg) { S.busy = msg; renderToast(); updateHeader(); }

  // setEdits ticks or unticks plan edits, on the page at once and then on
  // the server; a refusal puts them back.
  function setEdits(ids, on) {
    if (S.static || !ids.length) return;
    var d = S.data, gen = d.generation;
    var prev = ids.map(function (id) { return d.edits[id].on; });
    ids.forEach(function (id) { d.edits[id].on = on; });
    refreshChecks();
    enqueue(function () {
      return api('POST', '/api/choose', { generation: gen, edits: ids.map(function (id) { return { id: id, on: on }; }) })
        .then(function (r) {
          if (S.data.generation !== gen) return;
          r.edits.forEach(function (e) { S.data.edits[e.id].on = e.on; });
          refreshChecks();
        }, function (err) {
          if (S.data.generation === gen) ids.forEach(function (id, i) { S.data.edits[id].on = prev[i]; });
          refreshChecks();
          toast(err.message, true);
        });
    });
  }

  function setChoice(fid, choice) {
    if (S.static) return;
    var d = S.data, gen = d.generation, f = d.findings[fid], prev = f.choice;
    f.choice = choice;
    refreshCase(fid);
    updateHeader();
    enqueue(function () {
      return api('POST', '/api/choose', { generation: gen, findings: [{ id: fid, choice: choice }] })
        .then(function (r) {
          if (S.data.generation !== gen) return;
          r.findings.forEach(function (x) { S.data.findings[x.id].choice = x.choice; refreshCase(x.id); });
          updateHeader();
        }, function (err) {
          if (S.data.generation === gen) { f.choice = prev; refreshCase(fid); }
          updateHeader();
          toast(err.message, true);
        });
    });
  }

  function doApply() {
    if (S.busy) return;
    setBusy('Applying…');
    enqueue(function () {
      var d = S.data, edits = [], findings = {};
      d.edits.forEach(function (e) { if (e.on) edits.push(e.id); });
      d.findings.forEach(function (f) { if (f.choice >= 0) findings[f.id] = f.choice; });
      return api('POST', '/api/apply', { generation: d.generation, edits: edits, findings: findings })
        .then(function (r) { return r; }, function (err) {
          var r = err.body && err.body.changed ? err.body : {};
          r.error = err.message;
          return r;
        })
        .then(function (r) {
          S.applied = r; S.undone = null;
          return fetchPlan().catch(function (err) { S.error = err.message; });
        })
        .then(function () { setBusy(''); go('apply'); focusResult(); });
    });
  }

  function doUndo(snapshot) {
    if (S.busy) return;
    setBusy('Undoing…');
    enqueue(function () {
      return api('POST', '/api/undo', { snapshot: snapshot || '' })
        .then(function (r) { return r; }, function (err) {
          var r = err.body && err.body.restored ? err.body : {};
          r.error = err.message;
          return r;
        })
        .then(function (r) {
          S.undone = r;
          return fetchPlan().catch(function (err) { S.error = err.message; });
        })
        .then(function () { setBusy(''); go('apply'); focusResult(); });
    });
  }

  function doReload() {
    if (S.busy || S.static) return;
    setBusy('Reading the vault…');
    enqueue(function () {
      return api('POST', '/api/reload', {})
        .then(fetchPlan)
        .then(function () { S.error = null; toast('Plan reloaded from disk.'); }, function (err) { toast(err.message, true); })
        .then(function () { setBusy(''); render(); });
    });
  }

  function focusResult() {
    var el = document.getElementById('result');
    if (el) { el.focus(); el.scrollIntoView({ block: 'start' }); }
  }

  // ------------------------------------------------------------------
  // Layout

  var TABS = [
    ['overview', 'Overview'],
    ['variants', 'Variants'],
    ['hard', 'Hard cases'],
    ['apply', 'Apply']
  ];

  function tabs() {
    return TABS.filter(function (t) { return !(S.static && t[0] === 'apply'); });
  }

  function render() {
    var app = document.getElementById('app');
    var y = window.scrollY;
    app.textContent = '';
    if (!S.data) {
      app.appendChild(h('div', { class: 'loading' }, S.error ? h('div', { class: 'banner bad' }, h('span', { class: 'icon' }, '!'), S.error) : 'Reading the plan…'));
      return;
    }
    app.appendChild(header());
    var main = h('main', { id: 'view', role: 'tabpanel', 'aria-labelledby': 'tab-' + S.tab, tabindex: '-1' });
    S.checks = []; S.cases = [];
    if (S.error) main.appendChild(h('div', { class: 'banner bad', role: 'alert' }, h('span', { class: 'icon' }, '!'), S.error));
    var view = { overview: viewOverview, variants: viewVariants, hard: viewHard, apply: viewApply }[S.tab] || viewOverview;
    main.appendChild(view());
    main.appendChild(h('p', { class: 'foot' }, S.static
      ? ['Static report, generated ' + new Date(S.data.generated).toLocaleString() + '. ', h('code', {}, 'relink review'), ' lets you choose and apply.']
      : ['Keys: ', h('kbd', {}, '1'), '–', h('kbd', {}, String(tabs().length)), ' switch views, ', h('kbd', {}, '/'), ' search.']));
    app.appendChild(main);
    app.appendChild(h('div', { id: 'toast' }));
    refreshChecks();
    renderToast();
    window.scrollTo(0, S.keepScroll ? y : 0);
    S.keepScroll = false;
  }

  function header() {
    var d = S.data;
    var flags = [];
    if (d.options.strict) flags.push('strict');
    if (d.options.allow_alias) flags.push('allow-alias');
    if (d.options.follow_duplicates) flags.push('follow-duplicates');
    if (d.options.keep_display) flags.push('keep-display');
    var tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Views', onkeydown: tabKeys });
    tabs().forEach(function (t) {
      var sel = S.tab === t[0];
      var count = null;
      if (t[0] === 'variants') count = d.edits.length;
      if (t[0] === 'hard') count = d.findings.length;
      tablist.appendChild(h('button', {
        class: 'tab', role: 'tab', id: 'tab-' + t[0], 'aria-selected': sel ? 'true' : 'false',
        'aria-controls': 'view', tabindex: sel ? '0' : '-1', 'data-tab': t[0],
        onclick: function () { go(t[0]); }
      }, t[1], count !== null ? h('span', { class: 'count', id: 'count-' + t[0] }, fmt(count)) : null));
    });
    var actions = h('div', { class: 'actions' });
    if (!S.static) {
      actions.appendChild(h('span', { class: 'chosen-count', id: 'chosen' }));
      actions.appendChild(h('button', { class: 'btn', id: 'reload', title: 'Read the vault again and plan anew', onclick: doReload }, icon('reload', 15), 'Reload'));
      actions.appendChild(h('button', { class: 'btn btn-primary', id: 'to-apply', onclick: function () { go('apply'); } }, 'Review & apply'));
    }
    return h('header', { class: 'top' }, h('div', { class: 'top-inner' },
      h('div', { class: 'brand-row' },
        h('div', { class: 'brand' }, logo(), h('span', { class: 'brand-name' }, S.static ? 'relink report' : 'relink review'),
          h('span', { class: 'brand-vault', title: d.vault }, d.vault)),
        h('div', { class: 'meta' },
          h('span', { class: 'pill' }, 'dialect ', h('b', {}, d.dialect)),
          h('span', { class: 'pill' }, 'level ', h('b', {}, d.level)),
          flags.map(function (f) { return h('span', { class: 'pill' }, h('b', {}, f)); })),
        h('div', { class: 'spacer' }),
        actions),
      tablist));
  }

  function tabKeys(ev) {
    if (ev.key !== 'ArrowRight' && ev.key !== 'ArrowLeft') return;
    var ts = tabs().map(function (t) { return t[0]; });
    var i = ts.indexOf(S.tab) + (ev.key === 'ArrowRight' ? 1 : -1);
    i = (i + ts.length) % ts.length;
    go(ts[i]);
    var b = document.getElementById('tab-' + ts[i]);
    if (b) b.focus();
    ev.preventDefault();
  }

  function go(tab) {
    S.tab = tab;
    if (!S.static && window.history && history.replaceState) {
      try { history.replaceState(null, '', '#' + tab); } catch (e) { /* file: URLs */ }
    }
    render();
  }

  function updateHeader() {
    var el = document.getElementById('chosen');
    var n = S.data ? chosenEdits().length : 0;
    if (el) { el.textContent = ''; add(el, [h('b', {}, fmt(n)), ' ', n === 1 ? 'edit' : 'edits', ' chosen']); }
    var b = document.getElementById('to-apply');
    if (b) b.disabled = !!S.busy;
    var r = document.getElementById('reload');
    if (r) r.disabled = !!S.busy;
    var ap = document.getElementById('apply');
    if (ap) {
      ap.disabled = !!S.busy || n === 0;
      ap.textContent = n ? 'Apply ' + plural(n, 'edit') : 'Nothing to apply';
    }
    var u = document.getElementById('undo');
    if (u) u.disabled = !!S.busy;
    var sum = document.getElementById('apply-summary');
    if (sum) fillApplySummary(sum);
  }

  function renderToast() {
    var t = document.getElementById('toast');
    if (!t) return;
    t.textContent = '';
    if (S.busy) t.appendChild(h('div', { class: 'busy', role: 'status' }, S.busy));
    else if (S.toast) t.appendChild(h('div', { class: 'busy' + (S.toast.bad ? ' toast-err' : ''), role: S.toast.bad ? 'alert' : 'status' }, S.toast.msg));
  }

  // refreshChecks sets every checkbox of the view from the data, without
  // rebuilding anything (the focus stays where it is).
  function refreshChecks() {
    var d = S.data;
    S.checks.forEach(function (c) {
      var on = 0;
      c.ids.forEach(function (id) { if (d.edits[id].on) on++; });
      c.el.checked = on > 0 && on === c.ids.length;
      c.el.indeterminate = on > 0 && on < c.ids.length;
      if (c.row) c.row.classList.toggle('is-off', on === 0);
      if (c.n) c.n.textContent = on === c.ids.length ? plural(c.ids.length, 'link') : fmt(on) + ' of ' + plural(c.ids.length, 'link');
    });
    updateHeader();
  }

  // checkbox ticks or unticks edits; a static report, where nothing can be
  // chosen, has none (only the count of links).
  function checkbox(ids, label, row, n) {
    if (S.static) {
      if (n) n.textContent = plural(ids.length, 'link');
      return null;
    }
    var el = h('input', { type: 'checkbox', 'aria-label': label });
    el.addEventListener('change', function () { setEdits(ids, el.checked); });
    S.checks.push({ el: el, ids: ids, row: row, n: n });
    return el;
  }

  function searchBox(value, placeholder, onInput) {
    var timer = null;
    var input = h('input', { type: 'search', class: 'search', placeholder: placeholder, 'aria-label': placeholder, value: value, 'data-search': '1' });
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { onInput(input.value); }, 120);
    });
    return h('div', { class: 'search-wrap' }, icon('search', 15), input);
  }

  // rerenderView rebuilds the current view, keeping the focus on the
  // search box if it was there.
  function rerenderView(keepScroll) {
    var active = document.activeElement;
    var inSearch = active && active.getAttribute && active.getAttribute('data-search');
    var pos = inSearch ? active.selectionStart : 0;
    S.keepScroll = !!keepScroll;
    render();
    if (inSearch) {
      var i = document.querySelector('[data-search]');
      if (i) { i.focus(); try { i.setSelectionRange(pos, pos); } catch (e) { /* type=search */ } }
    }
  }

  function pager(total, per, page, onPage, noun) {
    var pages = Math.max(1, Math.ceil(total / per));
    if (total <= per) return h('div', { class: 'pager' }, h('span', { class: 'info' }, plural(total, noun)));
    var from = page * per + 1, to = Math.min(total, (page + 1) * per);
    return h('nav', { class: 'pager', 'aria-label': 'Pages' },
      h('span', { class: 'info' }, fmt(from) + '–' + fmt(to) + ' of ' + plural(total, noun)),
      h('div', { class: 'pages' },
        h('button', { class: 'btn', disabled: page === 0, onclick: function () { onPage(0); } }, '« First'),
        h('button', { class: 'btn', disabled: page === 0, onclick: function () { onPage(page - 1); } }, '‹ Previous'),
        h('span', { class: 'info' }, 'page ' + fmt(page + 1) + ' of ' + fmt(pages)),
        h('button', { class: 'btn', disabled: page >= pages - 1, onclick: function () { onPage(page + 1); } }, 'Next ›'),
        h('button', { class: 'btn', disabled: page >= pages - 1, onclick: function () { onPage(pages - 1); } }, 'Last »')));
  }

  // linkLine shows a link on its line: before, the old link struck out and
  // the new one, after.
  function linkLine(ctx, old, nw) {
    var link = h('span', { class: 'link' });
    if (nw) add(link, [h('del', {}, old), h('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'), h('ins', {}, nw)]);
    else add(link, old);
    return h('div', { class: 'ctx' }, ctx.before || '', link, ctx.after || '');
  }

  // ------------------------------------------------------------------
  // Overview

  function viewOverview() {
    var d = S.data, st = d.stats;
    var v = h('section', { class: 'view', 'aria-label': 'Overview' });
    d.warnings.forEach(function (w) {
      v.appendChild(h('div', { class: 'banner warn', role: 'note' }, h('span', { class: 'icon' }, icon('warn', 17)), h('div', {}, w)));
    });
    if (d.last_apply && !S.static) {
      // The Undo lives in the Apply view; say here that there is one.
      v.appendChild(h('div', { class: 'banner ok', role: 'note', id: 'in-effect' }, h('span', { class: 'icon' }, icon('undo', 17)),
        h('div', {}, 'An apply is in effect: snapshot ', h('span', { class: 'snap' }, d.last_apply.snapshot), ', ' + plural(d.last_apply.files, 'file') + '. ',
          h('button', { class: 'btn-link', onclick: function () { go('apply'); } }, 'Review or undo it'))));
    }
    if (d.problems.length) {
      var det = h('details', {}, h('summary', {}, plural(d.problems.length, 'file') + ' could not be read or has a problem (skipped; nothing in them is changed)'),
        h('ul', { class: 'problems' }, d.problems.slice(0, 200).map(function (p) { return h('li', {}, h('code', {}, p.file), ': ', p.message); }),
          d.problems.length > 200 ? h('li', {}, 'and ' + fmt(d.problems.length - 200) + ' more') : null));
      v.appendChild(h('div', { class: 'banner warn' }, h('span', { class: 'icon' }, icon('warn', 17)), det));
    }
    var off = st.links - st.resolved;
    var nChosen = chosenEdits().length;
    v.appendChild(h('div', { class: 'stats' },
      stat('Notes', fmt(st.notes), S.d.editFiles ? plural(S.d.editFiles, 'file') + ' to edit' : 'no file to edit'),
      stat('Links', fmt(st.links), st.links ? Math.round(100 * st.resolved / st.links) + '% resolve as written' : ''),
      stat('Need attention', fmt(off), plural(d.edits.length, 'edit') + ' planned, ' + plural(d.findings.length, 'finding')),
      stat(S.static ? 'Edits planned' : 'Edits chosen', fmt(S.static ? d.edits.length : nChosen), S.static ? 'as relink apply would make them' : 'of ' + fmt(d.edits.length) + ' planned, plus your picks')));

    var cls = h('div', { class: 'classes' });
    shownClasses(st).forEach(function (c) {
      cls.appendChild(h('button', {
        class: 'cls c-' + c, 'data-class': c,
        onclick: function () { openClass(c); }
      }, h('span', { class: 'name' }, h('span', { class: 'swatch' }), c), h('span', { class: 'num' }, fmt(st[c] || 0)), h('span', { class: 'what' }, CLASS_WHAT[c])));
    });
    v.appendChild(cls);

    v.appendChild(h('div', { class: 'grid grid-2' },
      h('div', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', {}, 'Links by class'), h('p', {}, 'each link counted once')), h('div', { class: 'chart' }, classChart(st))),
      h('div', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', {}, 'By ladder level'), h('p', {}, 'where the spelling matched')), h('div', { class: 'table-wrap' }, levelTable()))));

    var g = h('div', { class: 'graph' });
    var card = h('div', { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', {}, 'Spellings around their notes'),
        h('p', {}, S.d.groups.length > GRAPH_NOTES ? 'the ' + GRAPH_NOTES + ' notes with the most variant links; select a note to see its links' : 'select a note to see its links')),
      g,
      h('div', { class: 'legend' },
        h('span', {}, h('i', { class: 'c-variant' }), 'variant spelling → note'),
        h('span', {}, h('i', { class: 'dot c-ambiguous' }), 'ambiguous: matches several notes'),
        h('span', {}, h('i', { class: 'dash c-alias' }), 'alias only'),
        h('span', {}, 'circle size: number of links')));
    v.appendChild(card);
    drawGraph(g);
    return v;
  }

  function stat(label, value, sub) {
    return h('div', { class: 'card stat' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), h('div', { class: 'sub' }, sub));
  }

  function openClass(c) {
    if (S.d.editClasses[c] && !(S.d.findClasses[c] > S.d.editClasses[c])) {
      S.v.cls = {}; S.v.cls[c] = true; S.v.page = 0; S.v.q = '';
      go('variants');
    } else {
      S.hc.cls = S.d.findClasses[c] ? c : 'all'; S.hc.page = 0; S.hc.q = '';
      go(S.d.findClasses[c] ? 'hard' : (S.d.editClasses[c] ? 'variants' : 'hard'));
    }
  }

  function classChart(st) {
    var rows = shownClasses(st).map(function (c) { return [c, st[c] || 0]; });
    var maxv = Math.max.apply(null, rows.map(function (r) { return r[1]; }).concat([1]));
    var W = 520, rowH = 34, left = 92, right = 56, top = 30, H = top + rows.length * rowH + 6;
    var svg = s('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'Links by class: ' + rows.map(function (r) { return r[0] + ' ' + r[1]; }).join(', ') });
    // the health bar: resolved vs the rest
    var total = Math.max(1, st.links);
    var x = left, bw = W - left - right;
    var parts = [['resolved', st.resolved || 0]].concat(rows);
    parts.forEach(function (p) {
      var w = bw * p[1] / total;
      if (w <= 0) return;
      svg.appendChild(s('rect', { x: x, y: 6, width: Math.max(w, 1.5), height: 10, class: 'bar c-' + p[0] }, s('title', { text: p[0] + ': ' + fmt(p[1]) })));
      x += w;
    });
    svg.appendChild(s('text', { x: 0, y: 15, class: 'val', text: 'all links' }));
    svg.appendChild(s('text', { x: W - right + 8, y: 15, class: 'val', text: fmt(st.links) }));
    rows.forEach(function (r, i) {
      var y = top + i * rowH;
      var w = r[1] ? Math.max(3, bw * r[1] / maxv) : 0;
      svg.appendChild(s('text', { x: 0, y: y + 17, text: r[0] }));
      svg.appendChild(s('rect', { x: left, y: y + 4, width: bw, height: 18, rx: 4, class: 'track' }));
      if (w) svg.appendChild(s('rect', { x: left, y: y + 4, width: w, height: 18, rx: 4, class: 'bar c-' + r[0] }, s('title', { text: r[0] + ': ' + fmt(r[1]) })));
      svg.appendChild(s('text', { x: left + bw + 8, y: y + 17, class: 'val', text: fmt(r[1]) }));
    });
    return svg;
  }

  function levelTable() {
    var d = S.data, levels = d.levels.slice(), counts = {}, classes = shownClasses(d.stats);
    classes.forEach(function (c) { counts[c] = {}; });
    function bump(c, l) {
      if (!counts[c]) return;
      if (!l) l = '—';
      if (levels.indexOf(l) < 0) levels.push(l);
      counts[c][l] = (counts[c][l] || 0) + 1;
    }
    d.edits.forEach(function (e) { bump(e.class, e.level); });
    d.findings.forEach(function (f) { bump(f.class, f.level); });
    if (levels.indexOf('—') >= 0) { levels.splice(levels.indexOf('—'), 1); levels.push('—'); }
    var maxc = 1;
    classes.forEach(function (c) { levels.forEach(function (l) { maxc = Math.max(maxc, counts[c][l] || 0); }); });
    var thead = h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'class'), levels.map(function (l) { return h('th', { scope: 'col', title: l === '—' ? 'no level: nothing matched' : '' }, l === '—' ? 'none' : l); })));
    var tbody = h('tbody');
    classes.forEach(function (c) {
      tbody.appendChild(h('tr', {}, h('th', { scope: 'row', class: 'c-' + c }, h('span', { class: 'swatch' }), ' ', c),
        levels.map(function (l) {
          var n = counts[c][l] || 0;
          var td = h('td', { class: n ? (n * 3 >= maxc ? 'hot' : '') : 'zero' }, n ? fmt(n) : '·');
          if (n) td.style.background = 'color-mix(in srgb, var(--c-' + c + ') ' + Math.round(6 + 26 * n / maxc) + '%, transparent)';
          return td;
        })));
    });
    return h('table', { class: 'levels' }, thead, tbody);
  }

  // ------------------------------------------------------------------
  // Graph: the top notes by number of variant links, each with its
  // spellings around it; ambiguous spellings between their candidates.

  function graphModel() {
    var d = S.data, nodes = [], edges = [], noteAt = {};
    var top = S.d.groups.slice(0, GRAPH_NOTES);
    function noteNode(path, count) {
      if (noteAt[path] !== undefined) return noteAt[path];
      noteAt[path] = nodes.length;
      nodes.push({ kind: 'note', path: path, label: title(path), count: count });
      return noteAt[path];
    }
    top.forEach(function (g) { noteNode(g.target, g.ids.length); });
    top.forEach(function (g) {
      var ni = noteAt[g.target];
      var sps = g.spellings.slice(0, GRAPH_SPELLINGS);
      sps.forEach(function (sp) {
        var cls = sp.cls === 'alias' ? 'alias' : 'variant';
        nodes.push({ kind: 'sp', cls: cls, label: sp.text, count: sp.ids.length, to: [g.title] });
        edges.push({ a: ni, b: nodes.length - 1, cls: cls, w: sp.ids.length });
      });
      var rest = g.spellings.slice(GRAPH_SPELLINGS);
      if (rest.length) {
        var n = 0; rest.forEach(function (sp) { n += sp.ids.length; });
        nodes.push({ kind: 'sp', cls: 'variant', label: '+' + rest.length + ' more', count: n, to: [g.title], more: true });
        edges.push({ a: ni, b: nodes.length - 1, cls: 'variant', w: n });
      }
    });
    // ambiguous and alias findings, by spelling
    var amb = {}, ambList = [], ali = {}, aliList = [];
    d.findings.forEach(function (f) {
      if (f.class === 'ambiguous') {
        var a = amb[f.spelling];
        if (!a) { a = amb[f.spelling] = { text: f.spelling, cands: {}, count: 0 }; ambList.push(a); }
        a.count++;
        f.candidates.forEach(function (c) { a.cands[c] = true; });
      } else if (f.class === 'alias' && f.candidates.length) {
        var k = f.spelling + '\n' + f.candidates[0];
        var b = ali[k];
        if (!b) { b = ali[k] = { text: f.spelling, note: f.candidates[0], count: 0 }; aliList.push(b); }
        b.count++;
      }
    });
    ambList.sort(function (a, b) { return b.count - a.count; });
    var extra = 0;
    ambList.forEach(function (a) {
      var cands = Object.keys(a.cands);
      // an ambiguous spelling is drawn between its candidates; a few
      // candidates outside the top notes are added
      var missing = cands.filter(function (c) { return noteAt[c] === undefined; }).length;
      if (missing && extra + missing > 8) return;
      extra += missing;
      var idx = cands.map(function (c) { return noteNode(c, 0); });
      nodes.push({ kind: 'sp', cls: 'ambiguous', label: a.text, count: a.count, to: cands.map(title) });
      idx.forEach(function (ni) { edges.push({ a: ni, b: nodes.length - 1, cls: 'ambiguous', w: a.count }); });
    });
    aliList.sort(function (a, b) { return b.count - a.count; });
    aliList.forEach(function (a) {
      if (noteAt[a.note] === undefined) return;
      nodes.push({ kind: 'sp', cls: 'alias', label: a.text, count: a.count, to: [title(a.note)] });
      edges.push({ a: noteAt[a.note], b: nodes.length - 1, cls: 'alias', w: a.count });
    });
    return { nodes: nodes, edges: edges };
  }

  // layout places nodes with a small, deterministic force simulation.
  function layout(m) {
    var nodes = m.nodes, edges = m.edges, N = nodes.length;
    var notes = nodes.filter(function (n) { return n.kind === 'note'; });
    var golden = Math.PI * (3 - Math.sqrt(5));
    notes.forEach(function (n, i) {
      var r = 70 * Math.sqrt(i + 0.5), a = i * golden;
      n.x = r * Math.cos(a) * 1.5; n.y = r * Math.sin(a);
    });
    nodes.forEach(function (n) {
      n.r = n.kind === 'note' ? 7 + 2.2 * Math.sqrt(n.count || 1) : 3 + 1.6 * Math.sqrt(n.count);
      n.vx = 0; n.vy = 0;
    });
    // spellings start on a ring around their (first) note
    var ring = {};
    edges.forEach(function (e) {
      var sp = nodes[e.b], nt = nodes[e.a];
      if (sp.x !== undefined) return;
      sp.home = e.a;
      var k = ring[e.a] = (ring[e.a] || 0) + 1;
      var a = k * 2.1 + e.a;
      sp.x = nt.x + 46 * Math.cos(a); sp.y = nt.y + 46 * Math.sin(a);
    });
    nodes.forEach(function (n, i) { if (n.x === undefined) { n.x = (i % 7) * 30; n.y = Math.floor(i / 7) * 30; } });
    // The simulation runs on typed arrays: node objects of mixed shapes
    // would make it many times slower.
    var X = new Float64Array(N), Y = new Float64Array(N), VX = new Float64Array(N), VY = new Float64Array(N);
    var R = new Float64Array(N), Q = new Float64Array(N), NOTE = new Uint8Array(N);
    nodes.forEach(function (n, i) { X[i] = n.x; Y[i] = n.y; R[i] = n.r; NOTE[i] = n.kind === 'note' ? 1 : 0; Q[i] = NOTE[i] ? 4 : 1; });
    var EA = new Int32Array(edges.length), EB = new Int32Array(edges.length), EL = new Float64Array(edges.length);
    edges.forEach(function (e, k) { EA[k] = e.a; EB[k] = e.b; EL[k] = R[e.a] + R[e.b] + (e.cls === 'ambiguous' ? 60 : 44); });
    var iters = N > 250 ? 160 : 260;
    for (var it = 0; it < iters; it++) {
      var alpha = 1 - it / iters;
      for (var i = 0; i < N; i++) {
        for (var j = i + 1; j < N; j++) {
          var dx = X[j] - X[i], dy = Y[j] - Y[i], d2 = dx * dx + dy * dy;
          if (d2 < 0.01) { dx = 0.1 * ((i * 7 + j) % 5 - 2) + 0.05; dy = 0.1; d2 = dx * dx + dy * dy; }
          if (d2 > 250000) continue;
          var dist = Math.sqrt(d2);
          var f = 900 * Q[i] * Q[j] / d2;
          // notes keep room for their labels
          var minD = R[i] + R[j] + 6 + (NOTE[i] && NOTE[j] ? 60 : 0);
          if (dist < minD) f += (minD - dist) * 0.6;
          var fx = f * dx / dist, fy = f * dy / dist;
          VX[i] -= fx; VY[i] -= fy; VX[j] += fx; VY[j] += fy;
        }
      }
      for (var k = 0; k < EA.length; k++) {
        var a = EA[k], b = EB[k];
        var ex = X[b] - X[a], ey = Y[b] - Y[a], ed = Math.sqrt(ex * ex + ey * ey) || 1;
        var ef = (ed - EL[k]) * 0.06;
        var efx = ef * ex / ed, efy = ef * ey / ed;
        VX[a] += efx * 0.3; VY[a] += efy * 0.3; VX[b] -= efx; VY[b] -= efy;
      }
      for (var n = 0; n < N; n++) {
        VX[n] -= X[n] * 0.012; VY[n] -= Y[n] * 0.02;
        var sp = Math.sqrt(VX[n] * VX[n] + VY[n] * VY[n]);
        if (sp > 0) {
          var step = Math.min(30, sp) * alpha;
          X[n] += VX[n] / sp * step; Y[n] += VY[n] / sp * step;
        }
        VX[n] *= 0.5; VY[n] *= 0.5;
      }
    }
    nodes.forEach(function (n, i) { n.x = X[i]; n.y = Y[i]; });
  }

  // textWidth measures a graph label in the font its CSS gives it (.graph
  // .note text or .graph .sp text), in SVG units: the same px.
  var measurer = null;
  function textWidth(text, kind) {
    if (!measurer) {
      var css = getComputedStyle(document.documentElement);
      measurer = {
        ctx: document.createElement('canvas').getContext('2d'),
        note: '650 12px ' + css.getPropertyValue('--sans').trim(),
        sp: '10.5px ' + css.getPropertyValue('--mono').trim()
      };
    }
    measurer.ctx.font = measurer[kind];
    return measurer.ctx.measureText(text).width;
  }

  function drawGraph(box) {
    var m = graphModel();
    if (!m.nodes.length) {
      box.appendChild(h('p', { class: 'empty' }, 'No variant, ambiguous or alias links: nothing to draw.'));
      return;
    }
    layout(m);
    // Stretch the layout (not the nodes or their labels) over the card.
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    m.nodes.forEach(function (n) {
      minX = Math.min(minX, n.x); maxX = Math.max(maxX, n.x);
      minY = Math.min(minY, n.y); maxY = Math.max(maxY, n.y);
    });
    var W = 1140, H = Math.round(Math.max(360, Math.min(680, 64 * Math.sqrt(m.nodes.length))));
    var padL = 90, padR = 170, padT = 26, padB = 40;
    var sx = (W - padL - padR) / Math.max(1, maxX - minX), sy = (H - padT - padB) / Math.max(1, maxY - minY);
    // keep the aspect within reason: a few notes should not be smeared flat
    sx = Math.min(sx, sy * 2.2, 3.2); sy = Math.min(sy, sx * 1.6, 3.2);
    var offX = padL + ((W - padL - padR) - (maxX - minX) * sx) / 2, offY = padT + ((H - padT - padB) - (maxY - minY) * sy) / 2;
    m.nodes.forEach(function (n) { n.x = offX + (n.x - minX) * sx; n.y = offY + (n.y - minY) * sy; });
    var svg = s('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'group', 'aria-label': 'Notes and the spellings that point to them' });
    var ge = s('g', {}), gs = s('g', {}), gn = s('g', {});
    m.edges.forEach(function (e) {
      var a = m.nodes[e.a], b = m.nodes[e.b];
      ge.appendChild(s('line', { class: 'edge ' + e.cls, x1: a.x, y1: a.y, x2: b.x, y2: b.y, 'stroke-width': Math.min(e.cls === 'variant' ? 5 : 2.5, 1 + Math.log2(e.w + 1)) }));
    });
    var labelAll = m.nodes.length <= 110;
    // Labels: notes first, then spellings by number of links. Each is
    // measured in the font it is drawn in (a Hangul or CJK label is about
    // twice as wide as a Latin one of the same length) and put at the first
    // of a few places around its circle where it covers no other label and
    // no circle; where there is none it is left out (the node's tooltip
    // still names it).
    var placed = [];
    m.nodes.forEach(function (n) { placed.push({ x1: n.x - n.r, x2: n.x + n.r, y1: n.y - n.r, y2: n.y + n.r, node: n }); });
    function fits(b, self) {
      for (var i = 0; i < placed.length; i++) {
        var p = placed[i];
        if (p.node === self) continue;
        if (b.x1 < p.x2 && b.x2 > p.x1 && b.y1 < p.y2 && b.y2 > p.y1) return false;
      }
      return true;
    }
    // place tries spots [x, baseline y, anchor] in order and returns the
    // first that fits.
    function place(n, w, size, spots) {
      for (var i = 0; i < spots.length; i++) {
        var x = spots[i][0], y = spots[i][1], anchor = spots[i][2];
        var x1 = anchor === 'middle' ? x - w / 2 : anchor === 'end' ? x - w : x;
        // a little room for the halo drawn around the text
        var b = { x1: x1 - 2, x2: x1 + w + 2, y1: y - size - 1, y2: y + 0.35 * size + 1 };
        if (b.x1 < 0 || b.x2 > W || b.y1 < 0 || b.y2 > H) continue;
        if (fits(b, n)) { placed.push(b); return { x: x, y: y, anchor: anchor }; }
      }
      return null;
    }
    var order = m.nodes.filter(function (n) { return n.kind === 'note'; })
      .concat(m.nodes.filter(function (n) { return n.kind === 'sp'; }).sort(function (a, b) { return (b.cls !== 'variant') - (a.cls !== 'variant') || b.count - a.count; }));
    order.forEach(function (n) {
      if (n.kind === 'note') {
        // a note keeps a label, shortened if it must be
        var r = n.r;
        [26, 16, 10].some(function (max) {
          n.text = clip(n.label, max);
          n.lab = place(n, textWidth(n.text, 'note'), 12, [[n.x, n.y + r + 13, 'middle'], [n.x, n.y - r - 5, 'middle'],
            [n.x + r + 4, n.y + 4, 'start'], [n.x - r - 4, n.y + 4, 'end'], [n.x, n.y + r + 25, 'middle'], [n.x, n.y - r - 17, 'middle']]);
          return n.lab;
        });
        return;
      }
      if (!(labelAll || n.count > 1 || n.cls !== 'variant')) return;
      n.text = clip(n.label, 22) + (n.count > 1 ? ' ×' + n.count : '');
      var w = textWidth(n.text, 'sp'), rr = n.r + 3;
      var left = n.home !== undefined && m.nodes[n.home].x > n.x;
      var ahead = left ? 'end' : 'start', back = left ? 'start' : 'end';
      var ax = left ? n.x - rr : n.x + rr, bx = left ? n.x + rr : n.x - rr;
      var spots = [];
      [0, -10, 10, -20, 20].forEach(function (dy) { spots.push([ax, n.y + 3.5 + dy, ahead]); });
      spots.push([n.x, n.y - n.r - 4, 'middle'], [n.x, n.y + n.r + 12, 'middle']);
      [0, -10, 10].forEach(function (dy) { spots.push([bx, n.y + 3.5 + dy, back]); });
      n.lab = place(n, w, 10.5, spots);
    });
    m.nodes.forEach(function (n) {
      if (n.kind !== 'sp') return;
      var g = s('g', { class: 'sp' },
        s('title', { text: (n.more ? n.label + ' spellings' : n.label) + ' → ' + n.to.join(' | ') + ' (' + plural(n.count, 'link') + ')' }),
        s('circle', { class: n.cls, cx: n.x, cy: n.y, r: n.r }));
      if (n.lab) g.appendChild(s('text', { x: n.lab.x, y: n.lab.y, 'text-anchor': n.lab.anchor, text: n.text }));
      gs.appendChild(g);
    });
    m.nodes.forEach(function (n) {
      if (n.kind !== 'note') return;
      var open = function () { S.v.q = n.path; S.v.cls = {}; S.v.page = 0; go('variants'); };
      var g = s('g', {
        class: 'note', tabindex: '0', role: 'link', 'aria-label': n.label + ': ' + plural(n.count, 'variant link'),
        onclick: open, onkeydown: function (ev) { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); open(); } }
      },
        s('title', { text: n.label + ' (' + n.path + '): ' + plural(n.count, 'edit') }),
        s('circle', { cx: n.x, cy: n.y, r: n.r }),
        n.lab ? s('text', { x: n.lab.x, y: n.lab.y, 'text-anchor': n.lab.anchor, text: n.text }) : null);
      gn.appendChild(g);
    });
    svg.appendChild(ge); svg.appendChild(gs); svg.appendChild(gn);
    box.appendChild(svg);
  }

  // ------------------------------------------------------------------
  // Variants

  function filteredGroups() {
    var q = S.v.q.trim().toLowerCase(), cls = S.v.cls, anyCls = Object.keys(cls).length > 0;
    var out = [];
    S.d.groups.forEach(function (g) {
      if (q && g.hay.indexOf(q) < 0) return;
      if (!anyCls) { out.push({ g: g, spellings: g.spellings, ids: g.ids }); return; }
      var sps = [], ids = [];
      g.spellings.forEach(function (sp) {
        var keep = sp.ids.filter(function (id) { return cls[S.data.edits[id].class]; });
        if (keep.length) { sps.push({ text: sp.text, ids: keep, cls: sp.cls }); ids = ids.concat(keep); }
      });
      if (ids.length) out.push({ g: g, spellings: sps, ids: ids });
    });
    return out;
  }

  function viewVariants() {
    var d = S.data;
    var v = h('section', { class: 'view', 'aria-label': 'Variants' });
    v.appendChild(h('div', { class: 'view-head' }, h('h1', {}, 'Variants'),
      h('p', {}, plural(d.edits.length, 'edit') + ' in ' + plural(S.d.editFiles, 'file') + ', grouped by the note they point to (a renamed note\'s links in one group). ' +
        (S.static ? '' : 'Untick a note, a spelling or a single link to leave it out.'))));
    if (!d.edits.length) {
      v.appendChild(h('div', { class: 'card empty' }, 'No edits: every link resolves, or needs a decision (see Hard cases).'));
      return v;
    }
    var groups = filteredGroups();
    var allIds = [];
    groups.forEach(function (x) { allIds = allIds.concat(x.ids); });
    var chips = h('div', { class: 'chips', role: 'group', 'aria-label': 'Edit classes' });
    EDIT_CLASSES.forEach(function (c) {
      if (!S.d.editClasses[c]) return;
      chips.appendChild(h('button', {
        class: 'chip', 'aria-pressed': S.v.cls[c] ? 'true' : 'false',
        onclick: function () { if (S.v.cls[c]) delete S.v.cls[c]; else S.v.cls[c] = true; S.v.page = 0; rerenderView(true); }
      }, h('span', { class: 'dot c-' + c }), c, h('span', { class: 'n' }, fmt(S.d.editClasses[c]))));
    });
    v.appendChild(h('div', { class: 'toolbar' },
      searchBox(S.v.q, 'Filter by note, spelling or file', function (q) { S.v.q = q; S.v.page = 0; rerenderView(); }),
      chips,
      h('div', { class: 'spacer' }),
      S.static ? null : h('button', { class: 'btn', id: 'tick-all', onclick: function () { setEdits(allIds, true); } }, icon('check', 14), 'Tick all' + (S.v.q || Object.keys(S.v.cls).length ? ' shown' : '')),
      S.static ? null : h('button', { class: 'btn', id: 'untick-all', onclick: function () { setEdits(allIds, false); } }, 'Untick all' + (S.v.q || Object.keys(S.v.cls).length ? ' shown' : ''))));

    if (!groups.length) {
      v.appendChild(h('div', { class: 'card empty' }, 'No edit matches this filter.'));
      return v;
    }
    var pages = Math.ceil(groups.length / GROUPS_PER_PAGE);
    if (S.v.page >= pages) S.v.page = pages - 1;
    var onPage = function (p) { S.v.page = p; rerenderView(); };
    v.appendChild(pager(groups.length, GROUPS_PER_PAGE, S.v.page, onPage, 'note'));
    groups.slice(S.v.page * GROUPS_PER_PAGE, (S.v.page + 1) * GROUPS_PER_PAGE).forEach(function (x) { v.appendChild(groupCard(x)); });
    if (groups.length > GROUPS_PER_PAGE) v.appendChild(pager(groups.length, GROUPS_PER_PAGE, S.v.page, onPage, 'note'));
    return v;
  }

  // renameCard shows one renamed note: its former name, its path today,
  // and every link that still uses the old name, under one checkbox that
  // accepts or rejects the rename at once.
  function renameCard(x) {
    var g = x.g, d = S.data;
    var count = h('span', { class: 'group-count' });
    var label = 'Renamed ' + g.former + ' → ' + g.target;
    var card = h('article', { class: 'card group rename-group', 'aria-label': label, 'data-rename': g.rename.id });
    card.appendChild(h('div', { class: 'group-head' },
      checkbox(x.ids, label + ': all ' + plural(x.ids.length, 'link'), null, count),
      h('div', { class: 'group-title' },
        h('h3', {}, badge('renamed'), ' ', h('span', { class: 'sp-text' }, g.former), h('span', { class: 'arrow', 'aria-hidden': 'true' }, ' → '), g.title),
        h('div', { class: 'path' }, 'now ' + g.target + (S.static ? '' : ' · one choice: tick to rewrite every link below, untick to leave them all'))),
      count));
    var key = 'rename\n' + g.rename.note;
    var shown = S.v.expanded[key] ? x.ids : x.ids.slice(0, LINKS_SHOWN);
    var ul = h('ul', { class: 'links' });
    shown.forEach(function (id) {
      var e = d.edits[id];
      var li = h('li', { class: 'linkrow', 'data-edit': id });
      add(li, checkbox([id], e.file + ':' + e.line + ':' + e.col + ' ' + e.old + ' → ' + e.new, li));
      li.appendChild(h('span', { class: 'loc', title: e.file + ':' + e.line + ':' + e.col }, h('b', {}, e.file), ':' + e.line + ':' + e.col));
      li.appendChild(linkLine(e.ctx, e.old, e.new));
      ul.appendChild(li);
    });
    card.appendChild(ul);
    if (x.ids.length > LINKS_SHOWN) {
      card.appendChild(h('div', { class: 'more' }, h('button', {
        class: 'btn-link', 'aria-expanded': S.v.expanded[key] ? 'true' : 'false',
        onclick: function () { if (S.v.expanded[key]) delete S.v.expanded[key]; else S.v.expanded[key] = true; rerenderView(true); }
      }, S.v.expanded[key] ? 'Show fewer' : 'Show all ' + plural(x.ids.length, 'link'))));
    }
    return card;
  }

  function groupCard(x) {
    if (x.g.rename) return renameCard(x);
    var g = x.g, d = S.data;
    var count = h('span', { class: 'group-count' });
    var card = h('article', { class: 'card group', 'aria-label': g.title });
    card.appendChild(h('div', { class: 'group-head' },
      checkbox(x.ids, 'All ' + plural(x.ids.length, 'link') + ' to ' + g.title, null, count),
      h('div', { class: 'group-title' }, h('h3', {}, g.title), h('div', { class: 'path' }, g.target)),
      h('span', { class: 'group-count' }, plural(x.spellings.length, 'spelling')),
      count));
    x.spellings.forEach(function (sp) {
      var first = d.edits[sp.ids[0]];
      var to = first.class === 'heading' ? targetOf(first.new) : g.title;
      var n = h('span', { class: 'n' });
      var box = h('div', { class: 'spelling' });
      box.appendChild(h('div', { class: 'spelling-head' },
        checkbox(sp.ids, 'Spelling ' + sp.text + ': ' + plural(sp.ids.length, 'link'), null, n),
        h('span', { class: 'sp-text' }, sp.text),
        h('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
        h('span', { class: 'sp-to' }, to),
        first.class !== 'variant' ? h('span', { class: 'cls-tag' }, badge(first.class)) : null,
        hidden(sp.text, to) ? h('span', { class: 'hint', title: 'The two spellings look the same but are different characters' }, hidden(sp.text, to)) : null,
        n));
      var key = g.target + '\n' + sp.text;
      var shown = S.v.expanded[key] ? sp.ids : sp.ids.slice(0, LINKS_SHOWN);
      var ul = h('ul', { class: 'links' });
      shown.forEach(function (id) {
        var e = d.edits[id];
        var li = h('li', { class: 'linkrow', 'data-edit': id });
        add(li, checkbox([id], e.file + ':' + e.line + ':' + e.col + ' ' + e.old + ' → ' + e.new, li));
        li.appendChild(h('span', { class: 'loc', title: e.file + ':' + e.line + ':' + e.col }, h('b', {}, e.file), ':' + e.line + ':' + e.col));
        li.appendChild(linkLine(e.ctx, e.old, e.new));
        ul.appendChild(li);
      });
      box.appendChild(ul);
      if (sp.ids.length > LINKS_SHOWN) {
        box.appendChild(h('div', { class: 'more' }, h('button', {
          class: 'btn-link', 'aria-expanded': S.v.expanded[key] ? 'true' : 'false',
          onclick: function () { if (S.v.expanded[key]) delete S.v.expanded[key]; else S.v.expanded[key] = true; rerenderView(true); }
        }, S.v.expanded[key] ? 'Show fewer' : 'Show all ' + plural(sp.ids.length, 'link'))));
      }
      card.appendChild(box);
    });
    return card;
  }

  // hidden names a difference between two spellings that does not show.
  function hidden(a, b) {
    if (a === b) return '';
    var norm = function (x) { return x.normalize ? x.normalize('NFC') : x; };
    if (norm(a) === norm(b)) return 'differs only in Unicode normalization (NFD vs NFC)';
    if (a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim()) return 'differs only in whitespace';
    if (norm(a).replace(/\s+/g, ' ').trim() === norm(b).replace(/\s+/g, ' ').trim()) return 'differs in Unicode normalization and whitespace';
    return '';
  }

  // targetOf returns the target part of a link's text.
  function targetOf(link) {
    var m = /^!?\[\[([\s\S]*)\]\]$/.exec(link);
    if (m) {
      var t = m[1], i = t.search(/\\?\|/);
      if (i >= 0) t = t.slice(0, i);
      return t.trim();
    }
    m = /\]\(([\s\S]*)\)$/.exec(link);
    if (m) {
      var p = m[1].replace(/^<|>$/g, '');
      try { return decodeURIComponent(p); } catch (e) { return p; }
    }
    return link;
  }

  // ------------------------------------------------------------------
  // Hard cases

  var HARD_ORDER = ['ambiguous', 'alias', 'broken', 'duplicate', 'heading', 'variant'];

  function filteredCases() {
    var q = S.hc.q.trim().toLowerCase(), cls = S.hc.cls;
    return S.data.findings.filter(function (f) {
      if (cls !== 'all' && f.class !== cls) return false;
      return !q || f.hay.indexOf(q) >= 0;
    });
  }

  function viewHard() {
    var d = S.data;
    var v = h('section', { class: 'view', 'aria-label': 'Hard cases' });
    var withOptions = d.findings.filter(function (f) { return f.options.length; }).length;
    v.appendChild(h('div', { class: 'view-head' }, h('h1', {}, 'Hard cases'),
      h('p', {}, 'Links relink will not rewrite on its own. ' + (S.static ? '' : (withOptions ? 'Pick a note for a link, or leave it as it is.' : '')))));
    if (!d.findings.length) {
      v.appendChild(h('div', { class: 'card empty' }, 'No hard cases: nothing is ambiguous, alias-only, broken or duplicate.'));
      return v;
    }
    var chips = h('div', { class: 'chips', role: 'group', 'aria-label': 'Classes' });
    var mk = function (c, label, n) {
      var b = h('button', { class: 'chip', 'aria-pressed': S.hc.cls === c ? 'true' : 'false', 'data-chip': c, onclick: function () { S.hc.cls = c; S.hc.page = 0; rerenderView(true); } },
        c !== 'all' ? h('span', { class: 'dot c-' + c }) : null, label, h('span', { class: 'n' }, fmt(n)));
      chips.appendChild(b);
    };
    mk('all', 'all', d.findings.length);
    HARD_ORDER.forEach(function (c) { if (S.d.findClasses[c]) mk(c, c, S.d.findClasses[c]); });
    v.appendChild(h('div', { class: 'toolbar' },
      searchBox(S.hc.q, 'Filter by file, link or note', function (q) { S.hc.q = q; S.hc.page = 0; rerenderView(); }),
      chips));
    var cases = filteredCases();
    if (!cases.length) {
      v.appendChild(h('div', { class: 'card empty' }, 'No finding matches this filter.'));
      return v;
    }
    var pages = Math.ceil(cases.length / CASES_PER_PAGE);
    if (S.hc.page >= pages) S.hc.page = pages - 1;
    var onPage = function (p) { S.hc.page = p; rerenderView(); };
    v.appendChild(pager(cases.length, CASES_PER_PAGE, S.hc.page, onPage, 'finding'));
    cases.slice(S.hc.page * CASES_PER_PAGE, (S.hc.page + 1) * CASES_PER_PAGE).forEach(function (f) {
      var el = h('article', { class: 'card case', 'data-finding': f.id });
      S.cases.push({ id: f.id, el: el });
      fillCase(el, f);
      v.appendChild(el);
    });
    if (cases.length > CASES_PER_PAGE) v.appendChild(pager(cases.length, CASES_PER_PAGE, S.hc.page, onPage, 'finding'));
    return v;
  }

  function refreshCase(fid) {
    S.cases.forEach(function (c) {
      if (c.id !== fid) return;
      var f = S.data.findings[fid];
      var chosen = f.choice >= 0 ? f.options[f.choice].edit : null;
      var line = c.el.querySelector('.ctx');
      if (line) line.replaceWith(linkLine(f.ctx, f.link, chosen ? chosen.new : null));
      c.el.querySelectorAll('.option').forEach(function (o) {
        var k = Number(o.getAttribute('data-choice'));
        o.classList.toggle('is-chosen', k === f.choice);
        var r = o.querySelector('input');
        if (r) r.checked = k === f.choice;
      });
    });
  }

  function fillCase(el, f) {
    var chosen = f.choice >= 0 ? f.options[f.choice].edit : null;
    el.appendChild(h('div', { class: 'case-head' }, badge(f.class),
      h('span', { class: 'loc' }, h('b', {}, f.file), ':' + f.line + ':' + f.col),
      f.level && f.level !== 'exact' ? h('span', { class: 'level' }, 'matched at level ' + f.level) : null));
    el.appendChild(linkLine(f.ctx, f.link, chosen ? chosen.new : null));
    var msg = caseMessage(f);
    if (msg) el.appendChild(h('p', { class: 'msg' }, msg));
    if (!f.options.length) {
      el.appendChild(h('p', { class: 'nothing' }, noOption(f)));
      return;
    }
    if (S.static) {
      // A report offers the options to read, not to pick.
      el.appendChild(h('h4', { class: 'options-head' }, legend(f)));
      el.appendChild(h('ul', { class: 'options-static' }, f.options.map(function (o) {
        var info = S.data.notes[o.path] || {};
        return h('li', { class: 'option' + (o.error ? ' is-disabled' : '') },
          h('div', {}, h('span', { class: 'o-title' }, info.title || title(o.path)), h('span', { class: 'o-path' }, o.path),
            info.first ? h('div', { class: 'o-first' }, info.first) : null,
            o.error ? h('div', { class: 'o-err' }, 'Cannot be written: ' + o.error) : null),
          o.edit ? h('span', { class: 'o-new' }, '→ ' + o.edit.new) : h('span'));
      })));
      return;
    }
    var name = 'case-' + f.id;
    var fs = h('fieldset', {}, h('legend', {}, legend(f)));
    fs.appendChild(option(f, -1, name, h('span', { class: 'o-title' }, 'Leave it as it is'), null, null));
    f.options.forEach(function (o, k) {
      var info = S.data.notes[o.path] || {};
      var body = h('div', {}, h('span', { class: 'o-title' }, info.title || title(o.path)), h('span', { class: 'o-path' }, o.path),
        info.first ? h('div', { class: 'o-first' }, info.first) : null,
        o.error ? h('div', { class: 'o-err' }, 'Cannot be written: ' + o.error) : null);
      fs.appendChild(option(f, k, name, body, o.edit ? o.edit.new : null, o.error));
    });
    el.appendChild(fs);
  }

  function option(f, k, name, body, nw, err) {
    var input = h('input', { type: 'radio', name: name, value: String(k), checked: f.choice === k, disabled: !!err });
    input.addEventListener('change', function () { if (input.checked) setChoice(f.id, k); });
    return h('label', { class: 'option' + (f.choice === k ? ' is-chosen' : '') + (err ? ' is-disabled' : '') + (k < 0 ? ' leave' : ''), 'data-choice': String(k) },
      input, body, nw ? h('span', { class: 'o-new' }, '→ ' + nw) : h('span'));
  }

  function legend(f) {
    switch (f.class) {
      case 'ambiguous': return 'Which note is meant?';
      case 'alias': return 'Rewrite to the note with this alias?';
      case 'duplicate': return 'Redirect to the canonical note?';
      case 'broken': return 'Did you mean one of these?';
    }
    return 'Choose';
  }

  function caseMessage(f) {
    switch (f.class) {
      case 'broken': return f.message === 'no note matches' ? 'No note has this name, at any spelling level up to ' + S.data.level + '.' : (f.message || '');
      case 'ambiguous': return 'Matches ' + plural(f.candidates.length, 'note') + ' equally well; relink never guesses.';
      case 'alias': return 'Only an alias matches. An alias can name a different concept, so this is your call.';
      case 'duplicate': return 'The note it points to is marked as a duplicate.';
    }
    return f.message || '';
  }

  function noOption(f) {
    if (f.class === 'broken') return f.message === 'no note matches' ? 'No near name to offer: fix it by hand, or create the note.' : 'Nothing to offer: fix it by hand.';
    if (f.class === 'heading') return 'Fix the heading by hand.';
    return 'Nothing to offer here.';
  }

  // ------------------------------------------------------------------
  // Apply

  function fillApplySummary(box) {
    var es = chosenEdits(), files = {}, classes = {};
    es.forEach(function (e) { files[e.file] = (files[e.file] || 0) + 1; classes[e.class] = (classes[e.class] || 0) + 1; });
    var nf = Object.keys(files).length;
    box.textContent = '';
    add(box, [h('span', { class: 'big' }, plural(es.length, 'edit') + ' in ' + plural(nf, 'file')),
      Object.keys(classes).sort().map(function (c) { return h('span', { class: 'badge c-' + c }, c + ' ' + fmt(classes[c])); })]);
    var list = document.getElementById('apply-files');
    if (list) {
      list.textContent = '';
      var names = Object.keys(files).sort();
      names.slice(0, 120).forEach(function (f) { list.appendChild(h('li', {}, h('code', { title: f }, f), h('span', { class: 'n' }, fmt(files[f])))); });
      if (names.length > 120) list.appendChild(h('li', { class: 'muted' }, 'and ' + plural(names.length - 120, 'more file')));
    }
  }

  function viewApply() {
    var d = S.data;
    var v = h('section', { class: 'view', 'aria-label': 'Apply' });
    v.appendChild(h('div', { class: 'view-head' }, h('h1', {}, 'Apply'),
      h('p', {}, 'Rewrites exactly the chosen links. Every file is saved in a snapshot first, and written atomically; a file changed on disk since this page loaded is left alone.')));
    if (S.applied) v.appendChild(applyResult(S.applied));
    // An undo of an apply this page did not make (or no longer shows).
    if (S.undone && !(S.applied && S.applied.snapshot === S.undone.undone)) v.appendChild(undoResult(S.undone, true));
    // The apply still in effect, made by another run or before a reload:
    // it can be undone from here too.
    var last = d.last_apply;
    if (last && !(S.applied && S.applied.snapshot === last.snapshot)) v.appendChild(lastApplyBox(last));
    d.warnings.forEach(function (w) {
      v.appendChild(h('div', { class: 'banner warn', role: 'note' }, h('span', { class: 'icon' }, icon('warn', 17)), h('div', {}, w)));
    });
    var summary = h('div', { class: 'apply-summary', id: 'apply-summary' });
    var n = chosenEdits().length;
    v.appendChild(h('div', { class: 'card card-pad apply-box' },
      summary,
      h('div', { class: 'toolbar' },
        h('button', { class: 'btn btn-primary btn-big', id: 'apply', disabled: n === 0 || !!S.busy, onclick: doApply }, n ? 'Apply ' + plural(n, 'edit') : 'Nothing to apply'),
        h('button', { class: 'btn', onclick: doReload, title: 'Read the vault again and plan anew' }, icon('reload', 15), 'Reload plan'),
        h('span', { class: 'muted small' }, 'Snapshots go to ', h('code', {}, d.store || 'the default store'))),
      h('h3', { class: 'muted small' }, 'Files to change'),
      h('ul', { class: 'files', id: 'apply-files', 'aria-label': 'Files to change' })));
    fillApplySummary(summary);
    return v;
  }

  function applyResult(r) {
    var box = h('div', { class: 'card card-pad result', id: 'result', tabindex: '-1', 'aria-live': 'polite' });
    var changed = r.changed || [], skipped = r.skipped || [];
    if (r.error) box.appendChild(h('div', { class: 'banner bad', role: 'alert' }, h('span', { class: 'icon' }, '!'), h('div', {}, r.error)));
    if (r.snapshot) {
      // Count what was written: a file left alone is not among them.
      var written = r.files !== undefined ? r.files : changed.length;
      box.appendChild(h('h2', { id: 'apply-heading' }, h('span', { class: 'badge c-variant' }, icon('check', 13), 'applied'),
        'Rewrote ' + plural(r.links, 'link') + ' in ' + plural(written, 'file') +
        (skipped.length && r.planned ? ' of ' + fmt(r.planned) + ' (' + fmt(skipped.length) + ' left alone)' : '')));
      box.appendChild(h('dl', { class: 'kv' },
        h('dt', {}, 'Snapshot'), h('dd', {}, h('span', { class: 'snap', id: 'snapshot-id' }, r.snapshot)),
        h('dt', {}, 'Store'), h('dd', {}, h('code', {}, r.store)),
        h('dt', {}, 'By class'), h('dd', {}, Object.keys(r.by_class || {}).sort().map(function (c) { return h('span', { class: 'badge c-' + c }, c + ' ' + r.by_class[c]); }))));
    } else if (!r.error) {
      box.appendChild(h('h2', { id: 'apply-heading' }, 'Nothing was changed' + (skipped.length ? ': every file was left alone' : '')));
    }
    if (skipped.length) {
      box.appendChild(h('div', { class: 'banner warn' }, h('span', { class: 'icon' }, icon('warn', 17)),
        h('div', {}, h('b', {}, plural(skipped.length, 'file') + ' left alone:'),
          h('ul', { class: 'skips', id: 'skipped' }, skipped.map(function (sk) { return h('li', {}, h('code', {}, sk.path), ' — ', sk.reason); })))));
    }
    if (r.interrupted) box.appendChild(h('p', { class: 'muted' }, 'The apply was interrupted; the files written so far are in the snapshot.'));
    if (r.snapshot) {
      if (S.undone && S.undone.undone === r.snapshot && !S.undone.error) {
        box.appendChild(undoResult(S.undone, false));
      } else {
        if (S.undone && S.undone.error) box.appendChild(h('div', { class: 'banner bad', role: 'alert' }, h('span', { class: 'icon' }, '!'), h('div', {}, 'Undo failed: ' + S.undone.error)));
        box.appendChild(h('div', { class: 'toolbar' },
          h('button', { class: 'btn btn-danger', id: 'undo', onclick: function () { doUndo(r.snapshot); } }, icon('undo', 15), 'Undo this apply'),
          h('span', { class: 'muted small' }, 'Puts back every file this apply changed that has not been edited since.')));
      }
    }
    return box;
  }

  function undoResult(u, alone) {
    if (u.error) {
      return alone ? h('div', { class: 'banner bad', role: 'alert' }, h('span', { class: 'icon' }, '!'), h('div', {}, 'Undo failed: ' + u.error)) : null;
    }
    return h('div', { class: 'banner ok', id: 'undo-result', tabindex: alone ? '-1' : null },
      h('span', { class: 'icon' }, icon('undo', 17)),
      h('div', {}, 'Undone' + (alone ? ' snapshot ' + u.undone : '') + ': restored ' + plural(u.restored.length, 'file') + (u.already.length ? ' (' + fmt(u.already.length) + ' already as before)' : '') + '. The undo is recorded as snapshot ', h('span', { class: 'snap' }, u.snapshot || '—'), '.',
        u.skipped.length ? h('ul', { class: 'skips' }, u.skipped.map(function (sk) { return h('li', {}, h('code', {}, sk.path), ' — ', sk.reason); })) : null));
  }

  // lastApplyBox offers to undo the vault's last apply still in effect.
  function lastApplyBox(last) {
    // applyResult already shows an Undo button unless its apply was undone
    var taken = !!(S.applied && S.applied.snapshot && !(S.undone && S.undone.undone === S.applied.snapshot && !S.undone.error));
    return h('div', { class: 'card card-pad result', id: 'last-apply' },
      h('h2', {}, 'The last apply is still in effect'),
      h('dl', { class: 'kv' },
        h('dt', {}, 'Snapshot'), h('dd', {}, h('span', { class: 'snap', id: 'last-snapshot-id' }, last.snapshot)),
        h('dt', {}, 'Made'), h('dd', {}, new Date(last.time).toLocaleString()),
        h('dt', {}, 'Files'), h('dd', {}, plural(last.files, 'file'))),
      h('div', { class: 'toolbar' },
        h('button', { class: 'btn btn-danger', id: taken ? 'undo-last' : 'undo', onclick: function () { doUndo(last.snapshot); } }, icon('undo', 15), 'Undo this apply'),
        h('span', { class: 'muted small' }, 'Puts back every file it changed that has not been edited since.')));
  }

  // ------------------------------------------------------------------
  // Keys and start

  document.addEventListener('keydown', function (ev) {
    if (!S.data || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target, tag = t && t.tagName;
    if (tag === 'INPUT' && (t.type === 'search' || t.type === 'text')) {
      if (ev.key === 'Escape') t.blur();
      return;
    }
    if (tag === 'TEXTAREA' || tag === 'SELECT') return;
    var ts = tabs();
    var n = Number(ev.key);
    if (n >= 1 && n <= ts.length) { go(ts[n - 1][0]); ev.preventDefault(); return; }
    if (ev.key === '/') {
      var sb = document.querySelector('[data-search]');
      if (sb) { sb.focus(); ev.preventDefault(); }
    }
  });

  function start() {
    var want = (location.hash || '').slice(1);
    tabs().forEach(function (t) { if (t[0] === want) S.tab = want; });
    var embedded = document.getElementById('relink-data');
    if (embedded) {
      S.static = true;
      document.body.classList.add('static');
      S.data = JSON.parse(embedded.textContent);
      derive();
      render();
      return;
    }
    var meta = document.querySelector('meta[name="relink-token"]');
    S.token = meta ? meta.getAttribute('content') : '';
    render();
    fetchPlan().then(render, function (err) { S.error = err.message; render(); });
  }

  // For tests and debugging: the page's state, read-only by convention.
  window.relinkReview = { state: S, render: render, graphModel: graphModel, layout: layout };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
