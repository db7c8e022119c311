// Keyboard-driven review. No framework, no build step; served by the app itself (CSP: script-src 'self').
(function () {
  "use strict";

  const STATE_TEXT = { accept: "Chấp nhận", correct: "Sửa", reject: "Loại bỏ", "": "Chưa xử lý" };

  function isTyping(target) {
    return target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
  }

  // ---------------------------------------------------------------- queue page
  function initQueue() {
    const rows = Array.from(document.querySelectorAll(".queue-row"));
    const filters = document.getElementById("filters");
    if (filters) {
      filters.querySelectorAll("select").forEach((select) => {
        select.addEventListener("change", () => filters.submit());
      });
    }
    let current = -1;
    function select(i) {
      if (!rows.length) return;
      current = Math.max(0, Math.min(rows.length - 1, i));
      rows.forEach((row, n) => row.classList.toggle("active", n === current));
      rows[current].focus();
    }
    rows.forEach((row, n) => {
      row.addEventListener("focus", () => {
        current = n;
        rows.forEach((r, m) => r.classList.toggle("active", m === n));
      });
      row.addEventListener("click", () => { window.location.href = row.dataset.href; });
    });
    document.addEventListener("keydown", (event) => {
      if (isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "j" || event.key === "ArrowDown") { select(current + 1); event.preventDefault(); }
      else if (event.key === "k" || event.key === "ArrowUp") { select(current - 1); event.preventDefault(); }
      else if (event.key === "Enter" && current >= 0) { window.location.href = rows[current].dataset.href; event.preventDefault(); }
      else if (event.key === "/" && filters) { filters.querySelector("select").focus(); event.preventDefault(); }
    });
    if (rows.length) select(0);
  }

  // ---------------------------------------------------------------- dossier page
  function initDossier(form) {
    const canCorrect = form.dataset.canCorrect === "1";
    const items = Array.from(document.querySelectorAll(".item"));
    const flagged = items.filter((item) => item.classList.contains("flagged"));
    const svgs = Array.from(document.querySelectorAll(".page-svg"));
    const tabs = Array.from(document.querySelectorAll(".page-tab"));
    const others = document.getElementById("others");
    const progress = document.getElementById("progress");
    const help = document.getElementById("help");
    let current = -1;
    let shownPage = svgs.length ? 0 : -1;
    let zoomed = false;
    let submitting = false;

    function showPage(index) {
      if (index === "" || index === undefined || index === null) return;
      const page = Number(index);
      svgs.forEach((svg) => {
        const on = Number(svg.dataset.page) === page;
        svg.hidden = !on;
        if (on) {
          const image = svg.querySelector("image");
          if (image && !image.getAttribute("href")) image.setAttribute("href", image.dataset.href);
        }
      });
      tabs.forEach((tab) => tab.classList.toggle("active", Number(tab.dataset.page) === page));
      document.querySelectorAll(".page-note").forEach((note) => { note.hidden = Number(note.dataset.page) !== page; });
      shownPage = page;
    }

    function applyZoom() {
      const item = items[current];
      svgs.forEach((svg) => svg.setAttribute("viewBox", svg.dataset.full));
      if (!zoomed || !item || !item.dataset.box) return;
      const svg = svgs.find((s) => Number(s.dataset.page) === Number(item.dataset.page));
      if (!svg) return;
      const [x0, y0, x1, y1] = item.dataset.box.split(",").map(Number);
      const full = svg.dataset.full.split(" ").map(Number);
      const w = Math.max((x1 - x0) * 1.6, full[2] * 0.35);
      const h = w * (full[3] / full[2]) * 0.5;
      const x = Math.max(0, Math.min(full[2] - w, (x0 + x1) / 2 - w / 2));
      const y = Math.max(0, Math.min(full[3] - h, (y0 + y1) / 2 - h / 2));
      svg.setAttribute("viewBox", `${x} ${y} ${w} ${h}`);
    }

    function highlight() {
      const id = current >= 0 ? items[current].dataset.id : null;
      document.querySelectorAll("rect.box").forEach((rect) => {
        rect.classList.toggle("active", rect.dataset.id === id);
      });
    }

    function setActive(i, focus) {
      if (!items.length) return;
      current = Math.max(0, Math.min(items.length - 1, i));
      const item = items[current];
      if (item.classList.contains("other") && others && !others.open) others.open = true;
      items.forEach((it, n) => it.classList.toggle("active", n === current));
      if (focus !== false && document.activeElement !== item) item.focus({ preventScroll: true });
      item.scrollIntoView({ block: "nearest" });
      if (item.dataset.page !== "") showPage(item.dataset.page);
      highlight();
      applyZoom();
    }

    function refresh(item) {
      const state = item.dataset.state || "";
      item.querySelector(".state").textContent = STATE_TEXT[state] || state;
      const action = item.querySelector("input.action");
      if (action) action.value = state;
      item.classList.remove("state-accept", "state-correct", "state-reject");
      if (state) item.classList.add("state-" + state);
      const remaining = flagged.filter((it) => !it.dataset.state).length;
      const decided = items.filter((it) => it.dataset.state).length;
      const counter = document.getElementById("remaining");
      if (counter) counter.textContent = String(remaining);
      if (progress) {
        progress.textContent = remaining
          ? `Còn ${remaining} trường chưa xử lý · đã chọn ${decided}`
          : `Đã xử lý hết các trường · nhấn s để lưu`;
      }
    }

    function nextUndecided() {
      for (let step = 1; step <= items.length; step++) {
        const n = (current + step) % items.length;
        if (items[n].classList.contains("flagged") && !items[n].dataset.state) return n;
      }
      const save = document.getElementById("save");
      if (save) save.focus();
      return -1;
    }

    function advance() {
      const n = nextUndecided();
      if (n >= 0) setActive(n);
    }

    function editor(item) {
      return item.querySelector(".edit input, .edit textarea");
    }

    function decide(item, state) {
      if (!canCorrect) return;
      item.dataset.state = state;
      refresh(item);
    }

    function startEdit(item) {
      if (!canCorrect) return;
      const box = item.querySelector(".edit");
      box.hidden = false;
      const input = editor(item);
      input.focus();
      input.select();
    }

    function commitEdit(item) {
      const input = editor(item);
      const value = input.value.normalize("NFC").trim();
      input.value = value;
      // An unchanged value is an acceptance, not a correction.
      decide(item, value === (item.dataset.original || "") ? "accept" : "correct");
      if (item.dataset.state === "accept") item.querySelector(".edit").hidden = true;
    }

    function cancelEdit(item) {
      const input = editor(item);
      if (item.dataset.state !== "correct") {
        input.value = item.dataset.original || "";
        item.querySelector(".edit").hidden = true;
      }
      item.focus();
    }

    function save() {
      if (!canCorrect || submitting) return;
      items.forEach((item) => {
        const input = editor(item);
        if (input) input.value = input.value.normalize("NFC");
      });
      submitting = true;
      form.submit();
    }

    items.forEach((item, n) => {
      item.addEventListener("focus", () => { if (current !== n) setActive(n, false); });
      item.addEventListener("click", (event) => {
        const button = event.target.closest("button[data-act]");
        if (current !== n) setActive(n, false);
        if (!button) return;
        const act = button.dataset.act;
        if (act === "accept") { decide(item, "accept"); advance(); }
        else if (act === "reject") { decide(item, "reject"); advance(); }
        else if (act === "edit") startEdit(item);
        else if (act === "undo") { item.dataset.state = ""; refresh(item); }
      });
      refresh(item);
    });
    document.querySelectorAll("rect.box").forEach((rect) => {
      rect.addEventListener("click", () => {
        const n = items.findIndex((item) => item.dataset.id === rect.dataset.id);
        if (n >= 0) setActive(n);
      });
    });
    tabs.forEach((tab) => tab.addEventListener("click", () => showPage(tab.dataset.page)));
    form.addEventListener("submit", (event) => { event.preventDefault(); save(); });

    document.addEventListener("keydown", (event) => {
      const item = current >= 0 ? items[current] : null;
      if (help && !help.hidden && (event.key === "Escape" || event.key === "?")) {
        help.hidden = true; event.preventDefault(); return;
      }
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        if (item && isTyping(event.target) && event.target.closest(".edit")) commitEdit(item);
        event.preventDefault(); save(); return;
      }
      if (isTyping(event.target)) {
        const own = event.target.closest(".item");
        if (!own) return;
        if (event.key === "Enter" && !(event.target.tagName === "TEXTAREA" && event.shiftKey)) {
          event.preventDefault(); commitEdit(own); own.focus(); advance();
        } else if (event.key === "Escape") {
          event.preventDefault(); cancelEdit(own);
        }
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const key = event.key;
      if (key === "j" || key === "ArrowDown") { setActive(current + 1); event.preventDefault(); }
      else if (key === "k" || key === "ArrowUp") { setActive(current - 1); event.preventDefault(); }
      else if (key === "Enter" && item && event.target.tagName !== "BUTTON" && event.target.tagName !== "A") {
        decide(item, "accept"); if (item.querySelector(".edit")) item.querySelector(".edit").hidden = true;
        advance(); event.preventDefault();
      }
      else if ((key === "e" || key === "c") && item) { startEdit(item); event.preventDefault(); }
      else if (key === "r" && item) {
        decide(item, "reject"); if (item.querySelector(".edit")) item.querySelector(".edit").hidden = true;
        advance(); event.preventDefault();
      }
      else if (key === "u" && item) { item.dataset.state = ""; refresh(item); event.preventDefault(); }
      else if (key === "s") { save(); event.preventDefault(); }
      else if (key === "z") { zoomed = !zoomed; applyZoom(); event.preventDefault(); }
      else if (key === "[" || key === "]") {
        const n = shownPage + (key === "]" ? 1 : -1);
        if (n >= 0 && n < svgs.length) showPage(n);
        event.preventDefault();
      }
      else if (key === "n" && form.dataset.next) { window.location.href = form.dataset.next; }
      else if (key === "g") { const link = document.getElementById("queue-link"); if (link) window.location.href = link.href; }
      else if (key === "?" && help) { help.hidden = false; event.preventDefault(); }
    });

    // Start on the first flagged field not yet decided (or on the field whose correction failed).
    const failed = items.findIndex((item) => item.classList.contains("has-error"));
    if (failed >= 0) { setActive(failed); startEdit(items[failed]); }
    else {
      const first = flagged.findIndex((item) => !item.dataset.state);
      if (first >= 0) setActive(items.indexOf(flagged[first]));
      else if (items.length) { showPage(shownPage); const next = document.getElementById("next-dossier"); if (next) next.focus(); }
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("review-form");
    if (form) initDossier(form);
    else if (document.querySelector(".queue-table, .queue")) initQueue();
  });
})();
