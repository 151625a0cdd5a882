// CloudFront Function (runtime cloudfront-js-2.0), viewer-request event of the site's
// distribution. Client-side routes such as /films/toy-story have no file in the bucket, so
// they are rewritten to /index.html and the React router takes over. Paths whose last segment
// has an extension (/assets/duckdb-eh-XyZ.wasm, /data/manifest.json) pass through untouched,
// so a missing file stays a 403/404 instead of turning into HTML: that is why the distribution
// has no custom error responses (an HTML body for a .wasm would hang the site's start-up).
function handler(event) {
  var request = event.request;
  var lastSegment = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (lastSegment.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
