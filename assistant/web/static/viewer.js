"use strict";
// Document viewer: highlight the lines named in the fragment (#L10-20) and scroll to them.
(function () {
  function highlight() {
    document.querySelectorAll(".doc-lines li.hl").forEach((li) => li.classList.remove("hl"));
    const m = /^#L(\d+)(?:-L?(\d+))?$/.exec(window.location.hash);
    if (!m) return;
    const start = parseInt(m[1], 10);
    const end = m[2] ? parseInt(m[2], 10) : start;
    for (let n = start; n <= end; n++) {
      const li = document.getElementById(`L${n}`);
      if (li) li.classList.add("hl");
    }
    const first = document.getElementById(`L${start}`);
    if (first) first.scrollIntoView({ block: "center" });
  }
  window.addEventListener("hashchange", highlight);
  highlight();
})();
