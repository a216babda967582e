// egov: small progressive enhancements; every page works the same with JavaScript off.
(function () {
  "use strict";

  // The workspace menu is a <details> rendered open, so it shows without JavaScript.
  // On narrow screens it starts closed above the content; from 900 px it is a column
  // whose summary is hidden, so it must stay open there.
  var menu = document.querySelector(".side-menu details");
  if (menu && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 900px)");
    var follow = function () {
      menu.open = wide.matches;
    };
    follow();
    if (wide.addEventListener) {
      wide.addEventListener("change", follow);
    }
  }

  // The language <select> does not submit on change: a keyboard user moving through
  // the options with the arrow keys would be sent to a new page (WCAG 3.2.2 On Input).
  // The "Change" button next to it submits the form.
})();
