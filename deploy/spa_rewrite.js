// CloudFront Function (runtime cloudfront-js-2.0), viewer-request event of the site's
// distribution. Two jobs:
// 1. SPA routing. Client-side routes such as /films/toy-story have no file in the bucket, so
//    they are rewritten to /index.html and the React router takes over. A path whose last segment
//    ends in one of the site's file extensions (/assets/duckdb-eh-XyZ.wasm, /data/site.json)
//    passes through, so a missing file stays a 403/404 instead of turning into HTML: that is why
//    the distribution has no custom error responses (an HTML body for a .wasm would hang the
//    site's start-up). A route segment may contain a dot (/films/mr.-peabody-sherman): only a
//    known extension marks a file. FILE_EXTENSIONS lists the extensions of
//    hyperion/cloud/site.py's CONTENT_TYPES (a unit test keeps the two equal).
// 2. Pre-compressed variants. The build stores name.br and name.gz next to every file whose
//    extension is in PRECOMPRESSED_EXTENSIONS (frontend/vite.config.ts; a unit test keeps the
//    lists equal), and the sync uploads them with their Content-Encoding. CloudFront itself does
//    not compress objects over 10 MB (DuckDB's wasm is 34 MB), so the function picks the variant
//    the viewer accepts: brotli first, then gzip, else the plain file. The rewritten URI is part
//    of the cache key, so each encoding is cached apart.
// frontend/scripts/serve.mjs runs this same handler, and deploy/tests/spa_rewrite.test.mjs tests
// it under node.
var FILE_EXTENSIONS = [
  'css', 'csv', 'duckdb', 'html', 'ico', 'jpeg', 'jpg', 'js', 'json', 'map', 'mjs', 'parquet',
  'png', 'svg', 'txt', 'wasm', 'webmanifest', 'webp', 'woff', 'woff2', 'xml',
];
var PRECOMPRESSED_EXTENSIONS = ['wasm', 'duckdb', 'js', 'css', 'json', 'svg'];

function acceptsEncoding(header, name) {
  var parts = header.toLowerCase().split(',');
  for (var i = 0; i < parts.length; i++) {
    var fields = parts[i].split(';');
    if (fields[0].trim() !== name) continue;
    for (var j = 1; j < fields.length; j++) {
      var parameter = fields[j].trim();
      if (parameter.indexOf('q=') === 0 && parseFloat(parameter.substring(2)) === 0) return false;
    }
    return true;
  }
  return false;
}

function handler(event) {
  var request = event.request;
  var lastSegment = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  var dot = lastSegment.lastIndexOf('.');
  var extension = dot === -1 ? '' : lastSegment.substring(dot + 1).toLowerCase();
  if (FILE_EXTENSIONS.indexOf(extension) === -1) {
    request.uri = '/index.html';
    return request;
  }
  var header = request.headers && request.headers['accept-encoding'] ? request.headers['accept-encoding'].value : '';
  if (PRECOMPRESSED_EXTENSIONS.indexOf(extension) !== -1 && header) {
    if (acceptsEncoding(header, 'br')) request.uri = request.uri + '.br';
    else if (acceptsEncoding(header, 'gzip')) request.uri = request.uri + '.gz';
  }
  return request;
}
