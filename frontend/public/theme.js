// Apply the saved or preferred theme before first paint to avoid a flash of the wrong theme.
// It is a file of its own (not inline in index.html) because the site's Content-Security-Policy
// (deploy/security_headers.json) allows scripts from the site's origin only.
(function () {
  var saved = localStorage.getItem('hyperion-theme');
  var dark = saved ? saved === 'dark' : window.matchMedia('(prefers-color-scheme: dark)').matches;
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
})();
