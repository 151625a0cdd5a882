// CloudFront Function (runtime cloudfront-js-2.0), viewer-request event of the site's
// distribution. Client-side routes such as /films/toy-story have no file in the bucket, so
// they are rewritten to /index.html and the React router takes over. A path whose last segment
// ends in one of the site's file extensions (/assets/duckdb-eh-XyZ.wasm, /data/manifest.json)
// passes through untouched, so a missing file stays a 403/404 instead of turning into HTML: that
// is why the distribution has no custom error responses (an HTML body for a .wasm would hang the
// site's start-up). A route segment may contain a dot (/films/mr.-peabody-sherman): only a known
// extension marks a file. FILE_EXTENSIONS lists the extensions of hyperion/cloud/site.py's
// CONTENT_TYPES (a unit test keeps the two equal). frontend/scripts/serve.mjs runs this same
// handler, and deploy/tests/spa_rewrite.test.mjs tests it under node.
var FILE_EXTENSIONS = [
  'css', 'csv', 'duckdb', 'html', 'ico', 'jpeg', 'jpg', 'js', 'json', 'map', 'mjs', 'parquet',
  'png', 'svg', 'txt', 'wasm', 'webmanifest', 'webp', 'woff', 'woff2', 'xml',
];

function handler(event) {
  var request = event.request;
  var lastSegment = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  var dot = lastSegment.lastIndexOf('.');
  var extension = dot === -1 ? '' : lastSegment.substring(dot + 1).toLowerCase();
  if (FILE_EXTENSIONS.indexOf(extension) === -1) {
    request.uri = '/index.html';
  }
  return request;
}
