// The editor's one script: play from a clicked word, highlight the word being played, and save each
// edit as it is made (fetch POST with the session's CSRF token in a header), in order.
"use strict";
(function () {
  const editor = document.getElementById("editor");
  if (!editor) return;
  const audio = document.getElementById("audio");
  const transcript = document.getElementById("transcript");
  const status = document.getElementById("status");
  const csrf = document.querySelector('meta[name="csrf"]').content;
  const editable = editor.dataset.editable === "1";
  let chain = Promise.resolve();
  const pending = new Map();

  function show(text, failed) {
    status.textContent = text;
    status.classList.toggle("failed", !!failed);
  }

  function send(edit) {
    show(editor.dataset.saving);
    return fetch(editor.dataset.edit, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(edit),
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body.error || response.statusText);
        addAudit(body.audit);
        show(editor.dataset.saved);
        return body;
      });
    });
  }

  // Edits address the minutes as they are after the previous edit: they are sent one after another.
  function save(edit, then) {
    chain = chain.then(function () { return send(edit); }).then(then || null, function (error) {
      show(editor.dataset.failed + error.message, true);
    });
    return chain;
  }

  function later(key, edit, delay) {
    const old = pending.get(key);
    if (old) clearTimeout(old.timer);
    const entry = { edit: edit, timer: setTimeout(function () { pending.delete(key); save(edit); }, delay) };
    pending.set(key, entry);
  }

  function flush() {
    pending.forEach(function (entry) { clearTimeout(entry.timer); save(entry.edit); });
    pending.clear();
    return chain;
  }

  function addAudit(line) {
    if (!line) return;
    const none = document.getElementById("no-edits");
    if (none) none.remove();
    const li = document.createElement("li");
    const at = document.createElement("time");
    at.textContent = line.at;
    const who = document.createElement("b");
    who.textContent = line.who;
    li.append(at, " ", who, " " + line.what);
    document.getElementById("audit").append(li);
  }

  function reload() { flush().then(function () { window.location.reload(); }); }

  // Playing: words are indexed on first use (a 60-minute meeting has ~9,000 of them).
  let words = null, times = null, current = null;
  function index() {
    words = Array.from(transcript.querySelectorAll("span[data-t]"));
    times = words.map(function (w) { return parseFloat(w.dataset.t); });
  }
  function highlight() {
    if (!words) index();
    const t = audio.currentTime;
    let lo = 0, hi = times.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid] <= t + 0.01) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    const word = found >= 0 ? words[found] : null;
    if (word === current) return;
    if (current) current.classList.remove("now");
    current = word;
    if (word) {
      word.classList.add("now");
      if (!audio.paused) word.scrollIntoView({ block: "nearest" });
    }
  }
  audio.addEventListener("timeupdate", highlight);
  audio.addEventListener("seeked", highlight);

  transcript.addEventListener("click", function (event) {
    const target = event.target.closest("[data-t]");
    if (!target || target.querySelector("input") || event.detail > 1) return;
    audio.currentTime = parseFloat(target.dataset.t);
    audio.play().catch(function () { /* autoplay refused: the position is still set */ });
  });

  transcript.addEventListener("dblclick", function (event) {
    const span = event.target.closest("span[data-t]:not(.untimed)");
    if (!editable || !span || span.querySelector("input")) return;
    audio.pause();
    const old = span.textContent;
    const input = document.createElement("input");
    input.value = old;
    input.className = "word-edit";
    span.textContent = "";
    span.append(input);
    input.focus();
    input.select();
    let done = false;
    function commit(keep) {
      if (done) return;
      done = true;
      const text = keep ? input.value.trim() : old;
      const paragraph = span.closest("p.u");
      const w = Array.from(paragraph.querySelectorAll("span[data-t]")).indexOf(span);
      input.remove();
      if (text === old) { span.textContent = old; return; }
      if (text) { span.textContent = text; } else { span.nextSibling && span.nextSibling.remove(); span.remove(); words = null; }
      save({ op: "word", u: parseInt(paragraph.dataset.u, 10), w: w, text: text });
    }
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); commit(true); }
      if (e.key === "Escape") { e.preventDefault(); commit(false); }
    });
    input.addEventListener("blur", function () { commit(true); });
  });

  if (!editable) {
    editor.querySelectorAll(".right input, .right textarea, .right select, .right button").forEach(function (el) {
      el.disabled = true;
    });
    return;
  }

  editor.querySelectorAll(".speaker-name").forEach(function (input) {
    input.addEventListener("change", function () {
      const id = input.dataset.speaker, name = input.value.trim();
      if (!name) return;
      save({ op: "rename_speaker", speaker: id, name: name }, function () {
        transcript.querySelectorAll('b.sp[data-speaker="' + CSS.escape(id) + '"]').forEach(function (b) {
          b.textContent = name;
        });
        editor.querySelectorAll('select.merge option[value="' + CSS.escape(id) + '"]').forEach(function (o) {
          o.textContent = name;
        });
      });
    });
  });
  editor.querySelectorAll("select.merge").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.value) save({ op: "merge_speakers", speaker: select.dataset.speaker, into: select.value }, reload);
    });
  });
  editor.querySelectorAll("button.save-voice").forEach(function (button) {
    button.addEventListener("click", function () {
      flush();
      save({ op: "save_voice", speaker: button.dataset.speaker });
    });
  });
  document.getElementById("template").addEventListener("change", function (event) {
    save({ op: "template", value: event.target.value });
  });
  const summary = document.getElementById("summary");
  summary.addEventListener("input", function () { later("summary", { op: "summary", text: summary.value }, 800); });
  summary.addEventListener("change", function () { later("summary", { op: "summary", text: summary.value }, 0); });

  editor.querySelectorAll("li.item [data-field]").forEach(function (field) {
    const item = field.closest("li.item");
    let last = field.value;
    function edit() {
      const fields = {};
      fields[field.dataset.field] = field.value;
      return { op: "item_set", section: item.dataset.section, index: parseInt(item.dataset.index, 10), fields: fields };
    }
    const key = item.dataset.section + "/" + item.dataset.index + "/" + field.dataset.field;
    function changed(delay) {
      if (field.value === last) return;  // nothing new to save
      last = field.value;
      later(key, edit(), delay);
    }
    field.addEventListener("input", function () { if (field.type !== "date") changed(800); });
    // A date field changes with each digit typed: saved once it has rested.
    field.addEventListener("change", function () { if (field.type === "date") changed(700); else later(key, edit(), 0); });
    field.addEventListener("blur", function () { const p = pending.get(key); if (p) later(key, p.edit, 0); });
  });
  editor.querySelectorAll("li.item button").forEach(function (button) {
    const item = button.closest("li.item");
    const section = item.dataset.section, at = parseInt(item.dataset.index, 10);
    button.addEventListener("click", function () {
      flush();
      if (button.hasAttribute("data-delete")) {
        save({ op: "item_delete", section: section, index: at }, reload);
      } else {
        const to = at + parseInt(button.dataset.move, 10);
        const count = item.parentElement.children.length;
        if (to >= 0 && to < count) save({ op: "item_move", section: section, index: at, to: to }, reload);
      }
    });
  });
  editor.querySelectorAll("button[data-add]").forEach(function (button) {
    button.addEventListener("click", function () {
      flush();
      const section = button.dataset.add;
      const fields = section === "topics" ? { title: "…", text: "" } : { text: "…" };
      const at = parseInt(button.dataset.count, 10);
      save({ op: "item_add", section: section, index: at, fields: fields }, function () {
        sessionStorage.setItem("desk-focus", section + "/" + at);  // the new item's text, ready to type over
        reload();
      });
    });
  });
  // A decision is sent only once every edit before it is saved.
  editor.querySelectorAll("form.decide").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.ready === "1") return;
      event.preventDefault();
      // Submitted again from a task of its own: a form ignores a submission asked while its own is being dispatched.
      flush().then(function () { form.dataset.ready = "1"; setTimeout(function () { form.requestSubmit(); }, 0); });
    });
  });
  window.addEventListener("pagehide", flush);
  const focus = sessionStorage.getItem("desk-focus");
  if (focus) {
    sessionStorage.removeItem("desk-focus");
    const parts = focus.split("/");
    const item = editor.querySelector('li.item[data-section="' + CSS.escape(parts[0]) + '"][data-index="' + CSS.escape(parts[1]) + '"]');
    const field = item && item.querySelector('[data-field="title"], [data-field="text"]');
    if (field) { field.scrollIntoView({ block: "center" }); field.focus(); field.select(); }
  }
})();
