/* ParIndex page behaviour that would otherwise be inline (the Content-Security-Policy allows no
 * inline script): declared with data attributes in the templates.
 *
 *   <select data-autosubmit>  submits its form when the choice changes
 */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("[data-autosubmit]") && target.form) {
      if (typeof target.form.requestSubmit === "function") {
        target.form.requestSubmit();
      } else {
        target.form.submit();
      }
    }
  });
})();
