// Start the downloads of a page's first paint before the app's JavaScript has arrived and run:
// data/site.json, then the route's first-paint file (see src/db/siteData.ts, which takes these
// promises over). On a cold visit the entry bundle takes hundreds of milliseconds to download and compile;
// these two small requests no longer wait for it. A file, not an inline script: the site's
// Content-Security-Policy allows scripts from its origin only. The routes must equal FIRST_PAINT_ROUTES
// and the entity keys and shard choice firstPaintRoute / firstPaintFileName (src/db/firstPaintRoutes.ts,
// src/db/siteData.ts); a unit test runs this script against them.
(function () {
  var FIRST_PAINT_ROUTES = { '/': 'overview', '/studios': 'studios', '/films': 'films', '/characters': 'characters', '/talent': 'talent', '/analytics': 'analytics' };
  var ENTITY_PATHS = { films: 'film', studios: 'studio', characters: 'character', talent: 'talent' };
  var path = location.pathname.replace(/\/+$/, '') || '/';
  var manifest = fetch('/data/site.json').then(function (response) {
    if (!response.ok) throw new Error('could not load /data/site.json: HTTP ' + response.status);
    return response.json();
  });
  // The app reports a failure itself when it takes the promise over; none is reported from here.
  manifest.catch(function () {});
  window.__hyperionEarly = { manifest: manifest, route: null, firstPaint: null };
  var own = function (record, key) {
    return record && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
  };
  // 32-bit FNV-1a of the id's UTF-8 bytes, modulo the shard count: shardOf in firstPaintRoutes.ts.
  var shardOf = function (id, shards) {
    var hash = 0x811c9dc5;
    var bytes = new TextEncoder().encode(id);
    for (var index = 0; index < bytes.length; index += 1) hash = Math.imul(hash ^ bytes[index], 0x01000193) >>> 0;
    return hash % shards;
  };
  var route = own(FIRST_PAINT_ROUTES, path);
  var entity = /^\/([a-z]+)\/([^/]+)$/.exec(path);
  var kind = entity && own(ENTITY_PATHS, entity[1]);
  var id = null;
  if (kind) {
    try {
      id = decodeURIComponent(entity[2]);
    } catch (error) {
      return;
    }
    route = kind + '/' + id;
  }
  if (!route) return;
  // A list route's file name is in index.html (vite.config.ts, firstPaintNames): its download starts now,
  // not once site.json is read, which on a warm visit waited for the app's first render to free the main
  // thread. Entity routes, and a page built without data, take the site.json path.
  var inlined = null;
  try {
    var names = typeof document === 'undefined' ? null : document.getElementById('first-paint-files');
    inlined = names ? JSON.parse(names.textContent) : null;
  } catch (error) {
    inlined = null;
  }
  var known = kind ? undefined : own(inlined, route);
  var firstPaint = typeof known === 'string' ? fetch('/data/' + known).then(function (response) {
    return response.ok ? response.json() : null;
  }) : manifest.then(function (site) {
    var file = null;
    if (kind) {
      var shards = own(site.first_paint_shards, kind);
      file = Array.isArray(shards) && shards.length > 0 ? shards[shardOf(id, shards.length)] : own(own(site.first_paint_entities, kind), id);
    } else {
      var entry = own(site.first_paint, route);
      file = entry && entry.file;
    }
    if (!file) return null;
    return fetch('/data/' + file).then(function (response) {
      return response.ok ? response.json() : null;
    });
  });
  firstPaint.catch(function () {});
  window.__hyperionEarly.route = route;
  window.__hyperionEarly.firstPaint = firstPaint;
})();
