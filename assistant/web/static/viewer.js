"use strict";
// Document viewer: highlight the lines named in the fragment (#L10-20 or #L10), scroll them into
// view, move focus there and say which lines are shown.
(function () {
  const notice = document.getElementById("cited");

  function highlight() {
    document.querySelectorAll(".doc-lines li.hl").forEach((li) => { li.classList.remove("hl"); li.removeAttribute("tabindex"); });
    const m = /^#L(\d+)(?:-L?(\d+))?$/.exec(window.location.hash);
    if (!m) { notice.hidden = true; return; }
    let start = parseInt(m[1], 10);
    let end = m[2] ? parseInt(m[2], 10) : start;
    if (end < start) [start, end] = [end, start];
    end = Math.min(end, start + 500);
    for (let n = start; n <= end; n++) {
      const li = document.getElementById(`L${n}`);
      if (li) li.classList.add("hl");
    }
    const first = document.getElementById(`L${start}`);
    if (!first) { notice.hidden = true; return; }
    let mark = first.previousElementSibling;
    while (mark && !mark.classList.contains("page-mark")) mark = mark.previousElementSibling;
    const where = mark ? ` (${mark.textContent.trim().toLowerCase()})` : "";
    notice.textContent = (start === end ? `Línea ${start} resaltada` : `Líneas ${start} a ${end} resaltadas`) + `${where}.`;
    notice.hidden = false;
    first.tabIndex = -1;
    first.scrollIntoView({ block: "center" });
    first.focus({ preventScroll: true });
  }

  window.addEventListener("hashchange", highlight);
  highlight();
})();
