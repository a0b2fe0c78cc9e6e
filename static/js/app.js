// GridGov page behaviour. Kept in a file (never inline) so that the content security policy can forbid
// inline scripts. htmx sends the CSRF token from the body's hx-headers attribute.
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  if (status === 401 || status === 403) {
    window.location.reload();
  }
});
