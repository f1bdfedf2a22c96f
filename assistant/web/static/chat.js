"use strict";
// Chat page: sends questions to /api/ask and renders answers with DOM nodes (never innerHTML).
(function () {
  const form = document.getElementById("ask-form");
  const box = document.getElementById("question");
  const log = document.getElementById("conversation");
  let conversationId = null;

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function render(data) {
    const msg = el("article", "msg answer");
    msg.appendChild(el("p", "", data.answer || (data.error && data.error.message) || ""));
    if (data.table) {
      const t = el("table", "data");
      const head = t.createTHead().insertRow();
      data.table.columns.forEach((c) => { const th = el("th", "", String(c)); th.scope = "col"; head.appendChild(th); });
      const body = t.createTBody();
      data.table.rows.forEach((r) => { const tr = body.insertRow(); r.forEach((c) => { tr.insertCell().textContent = c === null ? "sin dato" : String(c); }); });
      msg.appendChild(t);
    }
    if (data.sources && data.sources.length) {
      const list = el("ul", "sources");
      data.sources.forEach((s) => {
        const li = el("li");
        const a = el("a", "", `${s.title} — ${s.locator}`);
        a.href = `/documentos/${encodeURIComponent(s.file)}#L${s.line_start || 1}-${s.line_end || s.line_start || 1}`;
        li.appendChild(a);
        list.appendChild(li);
      });
      msg.appendChild(list);
    }
    if (data.brief_url) {
      const a = el("a", "brief", "Descargar brief (PDF)");
      a.href = data.brief_url;
      msg.appendChild(a);
    }
    if (data.suggestions && data.suggestions.length) {
      const chips = el("div", "chips");
      data.suggestions.forEach((s) => {
        const b = el("button", "chip", s);
        b.type = "button";
        b.addEventListener("click", () => { box.value = s; form.requestSubmit(); });
        chips.appendChild(b);
      });
      msg.appendChild(chips);
    }
    log.appendChild(msg);
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const q = box.value.trim();
    if (!q) return;
    log.appendChild(el("p", "msg user", q));
    box.value = "";
    try {
      const r = await fetch("/api/ask", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ question: q, conversation_id: conversationId }),
      });
      const data = await r.json();
      if (data.conversation_id) conversationId = data.conversation_id;
      render(data);
    } catch (e) {
      render({ answer: "No se pudo contactar al servicio. Intente nuevamente." });
    }
    box.focus();
  });
})();
