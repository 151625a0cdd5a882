// Start the downloads of a list, overview or film page's first paint before the app's JavaScript has arrived
// and run: data/site.json, then the route's first-paint file (see src/db/siteData.ts, which takes these
// promises over). On a cold visit the entry bundle takes hundreds of milliseconds to download and compile;
// these two small requests no longer wait for it. A file, not an inline script: the site's
// Content-Security-Policy allows scripts from its origin only. The routes must equal FIRST_PAINT_ROUTES
// (src/db/firstPaintRoutes.ts; a unit test checks it); a film page's key is 'film/<id>', as there.
(function () {
  var FIRST_PAINT_ROUTES = { '/': 'overview', '/studios': 'studios', '/films': 'films', '/characters': 'characters', '/talent': 'talent' };
  var path = location.pathname.replace(/\/+$/, '') || '/';
  var manifest = fetch('/data/site.json').then(function (response) {
    if (!response.ok) throw new Error('could not load /data/site.json: HTTP ' + response.status);
    return response.json();
  });
  // The app reports a failure itself when it takes the promise over; none is reported from here.
  manifest.catch(function () {});
  window.__hyperionEarly = { manifest: manifest, route: null, firstPaint: null };
  var FILM_PATH = /^\/films\/([^/]+)$/;
  var route = FIRST_PAINT_ROUTES[path];
  var film = FILM_PATH.exec(path);
  if (film) {
    try {
      route = 'film/' + decodeURIComponent(film[1]);
    } catch (error) {
      return;
    }
  }
  if (!route) return;
  var firstPaint = manifest.then(function (site) {
    var entry = site.first_paint && site.first_paint[route];
    var films = site.first_paint_entities && site.first_paint_entities.film;
    var file = film ? films && Object.prototype.hasOwnProperty.call(films, route.slice(5)) && films[route.slice(5)] : entry && entry.file;
    if (!file) return null;
    return fetch('/data/' + file).then(function (response) {
      return response.ok ? response.json() : null;
    });
  });
  firstPaint.catch(function () {});
  window.__hyperionEarly.route = route;
  window.__hyperionEarly.firstPaint = firstPaint;
})();
