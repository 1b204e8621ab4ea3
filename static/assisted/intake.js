/* Loket — assisted intake: checks before anything is kept, a queue on the device (IndexedDB:
   the photos are Blobs), sent when the connection returns, each intake exactly once (the
   server knows it by its client_id). Without JavaScript the form posts as a normal form. */
(function () {
  "use strict";
  const DB = "loket-desa", STORE = "outbox";
  const texts = (id) => { const el = document.getElementById(id); return el ? JSON.parse(el.textContent) : {}; };
  const T = Object.assign(texts("outbox-texts"), texts("intake-texts"));
  let sending = false;

  function db() {
    return new Promise((resolve, reject) => {
      const open = indexedDB.open(DB, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: "client_id" });
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
  }
  function tx(mode, work) {
    return db().then((d) => new Promise((resolve, reject) => {
      const t = d.transaction(STORE, mode);
      const result = work(t.objectStore(STORE));
      t.oncomplete = () => resolve(result && result.result !== undefined ? result.result : result);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error || new DOMException("aborted", "AbortError"));
    }));
  }
  const all = () => tx("readonly", (s) => s.getAll());
  const put = (item) => tx("readwrite", (s) => s.put(item));
  const remove = (id) => tx("readwrite", (s) => s.delete(id));

  function csrf() {
    const m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  /* --- the waiting list ------------------------------------------------------------------ */
  async function render() {
    const box = document.getElementById("outbox");
    if (!box) return;
    const items = await all();
    box.hidden = items.length === 0;
    box.querySelector("[data-count]").textContent = items.length;
    const list = box.querySelector("[data-items]");
    list.textContent = "";
    for (const item of items) {
      const li = document.createElement("li");
      li.dataset.clientId = item.client_id;
      li.textContent = `${item.service} · ${item.label} · ${item.files.length} foto — ` +
        (item.problems ? `${T.refused} ${item.problems.join(" ")}` : T.waiting);
      if (item.problems) {
        const drop = document.createElement("button");
        drop.type = "button"; drop.className = "secondary outline"; drop.textContent = T.remove;
        drop.addEventListener("click", async () => { await remove(item.client_id); render(); });
        li.append(" ", drop);
      }
      list.append(li);
    }
  }

  async function sendAll() {
    if (sending || !navigator.onLine) return;
    sending = true;
    try {
      for (const item of await all()) {
        if (item.problems) continue; // refused: waits for the operator, never resent as is
        const body = new FormData();
        for (const [k, v] of item.fields) body.append(k, v);
        for (const [k, blob, name] of item.files) body.append(k, blob, name);
        let response;
        try {
          response = await fetch(item.url, {
            method: "POST", body, credentials: "same-origin", redirect: "manual",
            headers: { "X-CSRFToken": csrf(), "Accept": "application/json" },
          });
        } catch (e) { break; } // no connection after all: try again later
        if (response.type === "opaqueredirect" || response.status === 403) {
          log(T.signin); break;
        }
        let answer = {};
        try { answer = await response.json(); } catch (e) { break; }
        if (response.ok && answer.ok) {
          await remove(item.client_id); // only once the server has it
          log(`${T.sent} ${item.label} ${answer.number || ""}`);
        } else if (response.status === 400) {
          item.problems = answer.problems || ["?"];
          await put(item);
        } else { break; }
      }
    } finally { sending = false; render(); }
  }

  function log(text) {
    const el = document.getElementById("sent-log");
    if (el) { const line = document.createElement("div"); line.textContent = text; el.append(line); }
  }

  /* --- checks before queueing (the server's rules, repeated) ------------------------------ */
  function nikProblem(value) {
    const digits = value.replace(/[\s.-]/g, "");
    if (!/^\d{16}$/.test(digits)) return T.nik;
    let day = +digits.slice(6, 8); const month = +digits.slice(8, 10);
    if (day > 40) day -= 40;
    if (day < 1 || day > 31 || month < 1 || month > 12) return T.nik_date;
    return "";
  }

  function imageInfo(file) {
    return new Promise((resolve) => {
      if (!file || !file.type.startsWith("image/")) return resolve(null);
      const url = URL.createObjectURL(file);
      const img = new Image();
      img.onload = () => {
        const c = document.createElement("canvas"); c.width = 32; c.height = 32;
        const g = c.getContext("2d"); g.drawImage(img, 0, 0, 32, 32);
        const px = g.getImageData(0, 0, 32, 32).data; let sum = 0;
        for (let i = 0; i < px.length; i += 4) sum += 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2];
        URL.revokeObjectURL(url);
        resolve({ side: Math.min(img.naturalWidth, img.naturalHeight), brightness: sum / (px.length / 4) });
      };
      img.onerror = () => { URL.revokeObjectURL(url); resolve(null); };
      img.src = url;
    });
  }

  async function photoWarning(form, input, key) {
    const out = form.querySelector(`[data-warning-for="${key}"]`);
    const info = await imageInfo(input.files[0]);
    let text = "";
    if (info && info.side < +form.dataset.minSide) text = T.small;
    else if (info && info.brightness < +form.dataset.minBrightness) text = T.dark;
    if (out) out.textContent = text;
    return text;
  }

  function chosenVariant(form) {
    const checked = form.querySelector("input[name=variant]:checked");
    return checked ? checked.value : "";
  }

  function showVariantPhotos(form) {
    const variant = chosenVariant(form);
    for (const div of form.querySelectorAll(".photo")) {
      div.hidden = !!div.dataset.variant && div.dataset.variant !== variant;
    }
  }

  async function problems(form) {
    const found = [];
    form.querySelectorAll("[data-errors-for]").forEach((ul) => { ul.textContent = ""; });
    const fieldError = (name, text) => {
      const ul = form.querySelector(`[data-errors-for="${name}"]`);
      if (ul) { const li = document.createElement("li"); li.textContent = text; ul.append(li); }
      const label = form.querySelector(`label[for="id_${name}"]`);
      found.push(`${label ? label.firstChild.textContent.trim() : name}: ${text}`);
    };
    for (const el of form.querySelectorAll("input[required], select[required], textarea[required]")) {
      if (el.type === "radio") { if (!form.querySelector(`input[name="${el.name}"]:checked`)) fieldError(el.name, T.required); continue; }
      if (!el.value.trim()) fieldError(el.name, T.required);
    }
    for (const el of form.querySelectorAll("input[inputmode=numeric]")) {
      if (!el.value.trim() || el.name === "code") continue;
      const digits = el.value.replace(/[\s.-]/g, "");
      const p = el.name.endsWith("nik") ? nikProblem(el.value) : (/^\d{16}$/.test(digits) ? "" : T.nik);
      if (p) fieldError(el.name, p);
    }
    const nik = form.querySelector("input[name=nik]"), birth = form.querySelector("input[name=birth_date]");
    const sex = form.querySelector("select[name=sex]");
    if (nik && !nikProblem(nik.value)) {
      const d = nik.value.replace(/[\s.-]/g, ""); let day = +d.slice(6, 8);
      const female = day > 40; if (female) day -= 40;
      if (birth && birth.value) {
        const [y, m, dd] = birth.value.split("-");
        if (+dd !== day || m !== d.slice(8, 10) || y.slice(2) !== d.slice(10, 12)) fieldError("birth_date", T.nik_birth);
      }
      if (sex && sex.value && (sex.value === "P") !== female) fieldError("sex", T.nik_sex);
    }
    const phone = form.querySelector("input[name=phone]").value.replace(/[\s-]/g, "");
    if (phone && !/^(\+?62|0)8\d{7,12}$/.test(phone)) fieldError("phone", T.phone);
    const method = (form.querySelector("input[name=consent_method]:checked") || {}).value;
    if (method === "code" && !phone) fieldError("phone", T.consent_phone);
    const consent = form.querySelector("input[name=consent_file]");
    if (method === "form" && !consent.files.length) fieldError("consent_file", T.consent_file);
    if (consent.files.length) { const w = await photoWarning(form, consent, "consent"); if (w) found.push(w); }
    const variant = chosenVariant(form);
    for (const div of form.querySelectorAll(".photo")) {
      if (div.dataset.variant && div.dataset.variant !== variant) continue;
      const input = div.querySelector("input[type=file]");
      const name = div.querySelector("label").firstChild.textContent.trim();
      let required = !!div.dataset.required;
      const birth = form.querySelector("input[name=birth_date]");
      if (div.dataset.fromAge && birth && birth.value) {
        const age = (Date.now() - Date.parse(birth.value)) / (365.25 * 24 * 3600 * 1000);
        required = age >= +div.dataset.fromAge;
      }
      if (!input.files.length) { if (required) found.push(`${T.photo_missing} ${name}`); continue; }
      const w = await photoWarning(form, input, div.dataset.requirement);
      if (w) found.push(`${name}: ${w}`);
    }
    return found;
  }

  function showProblems(list) {
    const box = document.getElementById("problems");
    box.textContent = "";
    for (const text of list) { const li = document.createElement("li"); li.className = "error"; li.textContent = text; box.append(li); }
    box.hidden = list.length === 0;
    if (list.length) box.scrollIntoView();
  }

  async function queue(form) {
    const fields = [], files = [];
    const variant = chosenVariant(form);
    for (const [k, v] of new FormData(form)) {
      if (v instanceof File) {
        if (!v.size) continue;
        const div = form.querySelector(`.photo[data-requirement="${k.slice(5)}"]`);
        if (div && div.dataset.variant && div.dataset.variant !== variant) continue;
        files.push([k, v, v.name || "foto.jpg"]);
      } else if (k !== "csrfmiddlewaretoken") fields.push([k, v]);
    }
    const get = (n) => (fields.find(([k]) => k === n) || [])[1] || "";
    const item = {
      client_id: get("client_id"), url: form.dataset.sendUrl, service: form.dataset.service,
      label: get("name") || get("no_kk"), fields, files, queued_at: new Date().toISOString(),
    };
    if (navigator.storage && navigator.storage.estimate) {
      const { usage, quota } = await navigator.storage.estimate();
      const size = files.reduce((n, f) => n + f[1].size, 0);
      if (quota && usage + size * 2 > quota) throw new DOMException("full", "QuotaExceededError");
    }
    await put(item);
  }

  function setup(form) {
    form.addEventListener("change", (e) => {
      if (e.target.name === "variant") showVariantPhotos(form);
      if (e.target.type === "file" && e.target.files.length) {
        const div = e.target.closest(".photo");
        photoWarning(form, e.target, div ? div.dataset.requirement : "consent");
      }
    });
    showVariantPhotos(form);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const found = await problems(form);
      showProblems(found);
      if (found.length) return;
      try { await queue(form); }
      catch (e) { showProblems([T.full]); return; } // the form keeps everything typed
      form.reset();
      form.querySelector("input[name=client_id]").value = crypto.randomUUID();
      form.querySelectorAll(".photo-warning").forEach((p) => { p.textContent = ""; });
      showVariantPhotos(form);
      log(T.queued);
      await render();
      sendAll();
    });
  }

  async function serviceWorker() {
    if (!("serviceWorker" in navigator)) return;
    const registration = await navigator.serviceWorker.register("/desa/sw.js", { scope: "/desa/" });
    const urls = document.getElementById("offline-urls");
    if (!urls) return;
    const worker = registration.active || (await navigator.serviceWorker.ready).active;
    navigator.serviceWorker.addEventListener("message", (e) => {
      if (e.data && e.data.type === "precached") document.documentElement.dataset.offlineReady = "1";
    });
    worker.postMessage({ type: "precache", urls: JSON.parse(urls.textContent) });
  }

  const form = document.getElementById("intake-form");
  if (form) setup(form);
  document.querySelectorAll("[data-send-now]").forEach((b) => b.addEventListener("click", sendAll));
  window.addEventListener("online", sendAll);
  render().then(sendAll);
  serviceWorker();
})();
