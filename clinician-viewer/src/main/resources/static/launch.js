// SMART App Launch with SMART Health IT's fhirclient: an EHR launch arrives with ?iss=&launch=, a standalone
// one has neither and signs in to this record's own FHIR server. PKCE (S256) is used because the server's
// smart-configuration offers it; the app is public and holds no secret.
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  var ehrLaunch = params.has("launch");
  var options = {
    clientId: window.CARE_VIEWER.clientId,
    scope: "openid fhirUser online_access patient/*.rs" + (ehrLaunch ? " launch" : " launch/patient"),
    redirectUri: "callback.html",
    pkceMode: "required"
  };
  if (!params.has("iss")) {
    options.iss = window.CARE_VIEWER.fhirBaseUrl;
  }
  FHIR.oauth2.authorize(options).catch(function (error) {
    document.getElementById("launch-status").textContent = "The record could not be opened: " + error.message;
  });
}());
