"use strict";
// Chat page: sends questions to /api/ask and renders the answers with DOM nodes and textContent
// only (never innerHTML), so no answer or document text can inject markup. The conversation is
// kept in sessionStorage so that following a citation and coming back does not lose it.
(function () {
  const form = document.getElementById("ask-form");
  const box = document.getElementById("question");
  const button = document.getElementById("ask-button");
  const log = document.getElementById("conversation");
  const status = document.getElementById("ask-status");
  const STORE_KEY = "planes.conversacion";
  const MAX_TURNS = 30;
  // Figures: numbers with decimals, thousands separators or a percent sign; never the digits of a
  // code such as AEI.01.05 or a year.
  // Figures: thousands, percentages, decimals and whole numbers; not years, codes (OEI.05, AOI…),
  // dates (2025-09-30) nor the numbers that name a recommendation ("N.º 3").
  const FIGURE_RE = /(?<![\w.,\-/])(?<!N\.º |n\.° |N\.° |n\.º )(-?\d{1,3}(?:[ \u00a0.,]\d{3})+(?:[.,]\d+)?(?:\s?%)?|-?\d+(?:[.,]\d+)?\s?%|-?\d+[.,]\d+|(?!(?:19|20)\d\d(?!\d))-?\d+)(?!\w|[.,]\d|-\d|\/)/g;
  let state = load();
  let busy = false;

  function load() {
    try {
      const saved = JSON.parse(window.sessionStorage.getItem(STORE_KEY) || "null");
      if (saved && Array.isArray(saved.turns)) return saved;
    } catch (e) { /* storage unavailable or corrupt: start afresh */ }
    return { conversationId: null, turns: [] };
  }

  function save() {
    try {
      state.turns = state.turns.slice(-MAX_TURNS);
      window.sessionStorage.setItem(STORE_KEY, JSON.stringify(state));
    } catch (e) { /* private mode or full: the conversation just is not kept */ }
  }

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // A paragraph where figures are emphasised: text nodes and <strong>, never parsed HTML.
  function textWithFigures(tag, text) {
    const p = el(tag);
    let last = 0;
    String(text).replace(FIGURE_RE, (match, _g, offset) => {
      if (offset > last) p.appendChild(document.createTextNode(text.slice(last, offset)));
      p.appendChild(el("strong", "fig", match));
      last = offset + match.length;
      return match;
    });
    if (last < text.length) p.appendChild(document.createTextNode(text.slice(last)));
    return p;
  }

  function sourceHref(s) {
    const start = parseInt(s.line_start, 10) || 1;
    const end = parseInt(s.line_end, 10) || start;
    return `/documentos/${encodeURIComponent(s.file)}#L${start}-${end}`;
  }

  function localPath(url) {
    return typeof url === "string" && url.startsWith("/") && !url.startsWith("//") && !url.includes("\\");
  }

  function plainText(data) {
    const lines = [data.answer || ""];
    if (data.table && Array.isArray(data.table.columns)) {
      lines.push("", data.table.columns.join("\t"));
      (data.table.rows || []).forEach((r) => lines.push(r.map((c) => (c === null ? "sin dato" : String(c))).join("\t")));
    }
    if (data.sources && data.sources.length) {
      lines.push("", "Fuentes:");
      data.sources.forEach((s) => lines.push(`- ${s.title} (${s.file}), ${s.locator}`));
    }
    return lines.join("\n");
  }

  async function copy(text, feedback) {
    try {
      await navigator.clipboard.writeText(text);
    } catch (e) {
      const area = el("textarea", "offscreen", text);
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    feedback.textContent = "Respuesta copiada.";
    window.setTimeout(() => { feedback.textContent = ""; }, 2500);
  }

  function renderTable(table) {
    const wrap = el("div", "table-wrap");
    const t = el("table", "data cards");
    const cap = el("caption", "sr-only", "Datos de la respuesta");
    t.appendChild(cap);
    const head = t.createTHead().insertRow();
    table.columns.forEach((c) => { const th = el("th", "", String(c)); th.scope = "col"; head.appendChild(th); });
    const body = t.createTBody();
    (table.rows || []).forEach((r) => {
      const tr = body.insertRow();
      r.forEach((c, i) => {
        const td = tr.insertCell();
        td.textContent = c === null || c === undefined ? "sin dato" : String(c);
        td.dataset.label = String(table.columns[i] === undefined ? "" : table.columns[i]);  // its heading, on narrow screens
      });
    });
    wrap.appendChild(t);
    return wrap;
  }

  function renderSources(sources) {
    const box = el("section", "sources");
    box.appendChild(el("h3", "small-title", "Fuentes"));
    const list = el("ol");
    sources.forEach((s) => {
      const li = el("li");
      const a = el("a", "source-link", `${s.title || s.file} — ${s.locator || ""}`);
      a.href = sourceHref(s);
      li.appendChild(a);
      if (s.excerpt) li.appendChild(el("p", "excerpt", s.excerpt.length > 280 ? `${s.excerpt.slice(0, 280)}…` : s.excerpt));
      list.appendChild(li);
    });
    box.appendChild(list);
    return box;
  }

  function renderAnswer(data) {
    const msg = el("article", "msg answer");
    msg.appendChild(el("h2", "sr-only", "Respuesta"));
    if (data.error) {
      msg.classList.add("failed");
      msg.appendChild(el("p", "error", data.error.message || "No se pudo responder."));
      msg.setAttribute("role", "alert");
      log.appendChild(msg);
      return;
    }
    if (data.found === false) msg.classList.add("not-found");
    const body = el("div", "answer-text");
    String(data.answer || "").split("\n").forEach((line) => { if (line.trim()) body.appendChild(textWithFigures("p", line)); });
    msg.appendChild(body);
    if (data.table && Array.isArray(data.table.columns) && data.table.columns.length) msg.appendChild(renderTable(data.table));
    if (Array.isArray(data.sources) && data.sources.length) msg.appendChild(renderSources(data.sources));
    const actions = el("div", "answer-actions");
    const copyButton = el("button", "secondary copy", "Copiar respuesta");
    copyButton.type = "button";
    const feedback = el("span", "copy-feedback");
    feedback.setAttribute("role", "status");
    copyButton.addEventListener("click", () => copy(plainText(data), feedback));
    actions.appendChild(copyButton);
    if (localPath(data.brief_url)) {
      const a = el("a", "brief", "Descargar brief (PDF)");
      a.href = data.brief_url;
      actions.appendChild(a);
    }
    actions.appendChild(feedback);
    msg.appendChild(actions);
    if (Array.isArray(data.suggestions) && data.suggestions.length) {
      const chips = el("div", "chips");
      chips.setAttribute("aria-label", "Preguntas sugeridas");
      data.suggestions.forEach((s) => chips.appendChild(chip(s)));
      msg.appendChild(chips);
    }
    log.appendChild(msg);
    msg.scrollIntoView({ block: "nearest" });
  }

  function renderQuestion(q) {
    const p = el("p", "msg user");
    p.appendChild(el("span", "sr-only", "Pregunta: "));
    p.appendChild(document.createTextNode(q));
    log.appendChild(p);
  }

  function chip(question) {
    const b = el("button", "chip", question);
    b.type = "button";
    b.addEventListener("click", () => ask(question));
    return b;
  }

  async function ask(question) {
    const q = String(question || "").trim();
    if (!q || busy) return;
    busy = true;
    button.disabled = true;
    log.setAttribute("aria-busy", "true");
    status.textContent = "Buscando la respuesta…";
    renderQuestion(q);
    box.value = "";
    let data;
    try {
      const r = await fetch("/api/ask", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ question: q, conversation_id: state.conversationId }),
        credentials: "same-origin",
      });
      data = await r.json();
    } catch (e) {
      data = { error: { message: "No se pudo contactar al servicio. Intente nuevamente." } };
    }
    if (data && data.conversation_id) state.conversationId = data.conversation_id;
    renderAnswer(data || {});
    state.turns.push({ q, data });
    save();
    status.textContent = data && data.error ? "" : "Respuesta recibida.";
    log.setAttribute("aria-busy", "false");
    button.disabled = false;
    busy = false;
    box.focus();  // the answer is announced by the live region; the box is ready for a follow-up
  }

  form.addEventListener("submit", (ev) => { ev.preventDefault(); ask(box.value); });
  box.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); ask(box.value); }
  });
  document.getElementById("new-conversation").addEventListener("click", () => {
    state = { conversationId: null, turns: [] };
    save();
    log.replaceChildren();
    status.textContent = "Nueva conversación iniciada.";
    box.focus();
  });
  document.querySelectorAll("#starter-chips .chip").forEach((b) => {
    b.addEventListener("click", () => ask(b.dataset.question));
  });

  state.turns.forEach((t) => { renderQuestion(t.q); renderAnswer(t.data || {}); });
  const asked = new URLSearchParams(window.location.search).get("pregunta");
  if (asked) {
    window.history.replaceState(null, "", window.location.pathname);
    ask(asked);
  }
})();
