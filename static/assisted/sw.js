/* Loket — operator intake pages without signal. Served at /desa/sw.js (scope /desa/).
   Kept on the device: the intake forms, the operator's list and static files (no names or NIKs:
   the list shows numbers, services, villages and statuses).
   Network first; when there is no network, the last copy of the page or file. Only GETs are
   kept; sending is done by the page itself from its queue, never replayed here. */
const CACHE = "loket-desa-v1";

self.addEventListener("install", (event) => { self.skipWaiting(); });
self.addEventListener("activate", (event) => { event.waitUntil(self.clients.claim()); });

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "precache") return;
  event.waitUntil(
    caches.open(CACHE).then(async (cache) => {
      for (const url of data.urls) {
        try {
          const response = await fetch(url, { credentials: "same-origin", redirect: "follow" });
          if (response.ok && !response.redirected) await cache.put(url, response);
        } catch (e) { /* offline already: keep what we had */ }
      }
      if (event.source) event.source.postMessage({ type: "precached" });
    })
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request).then((response) => {
      // Refresh only what was precached (the intake pages, the list) and static files: pages
      // with a resident's details are never kept on the device.
      if (response.ok && !response.redirected && response.type === "basic") {
        const copy = response.clone();
        const isStatic = new URL(request.url).pathname.startsWith("/static/");
        caches.open(CACHE).then((cache) => cache.match(request, { ignoreVary: true }).then(
          (known) => { if (known || isStatic) cache.put(request, copy); }
        ));
      }
      return response;
    }).catch(() => caches.match(request, { ignoreVary: true }).then(
      (hit) => hit || caches.match(new URL(request.url).pathname, { ignoreVary: true })
    ).then((hit) => hit || Response.error()))
  );
});
