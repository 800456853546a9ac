// The clinician viewer: completes the SMART launch (fhirclient), then shows the patient in context. Every value
// from the record goes into the page as text (textContent), never as HTML.
(function () {
  "use strict";
  var NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number";
  var SOURCE_ORGANISATION = "https://care-record.example.org/CodeSystem/source-organisation";
  var client = null;
  var emergency = null; // {reason, openedAt} once the clinician has used break-glass

  function el(id) { return document.getElementById(id); }
  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function date(value) {
    if (!value) { return null; }
    var d = new Date(value);
    return isNaN(d) ? value : d.toLocaleDateString("en-GB", {day: "numeric", month: "short", year: "numeric"});
  }
  function text(concept) {
    if (!concept) { return null; }
    if (concept.text) { return concept.text; }
    var coding = (concept.coding || []).find(function (c) { return c.display || c.code; });
    return coding ? (coding.display || coding.code) : null;
  }
  function display(reference) {
    return reference ? (reference.display || reference.reference || null) : null;
  }
  function sourceOf(resource) {
    var tag = ((resource.meta || {}).tag || []).find(function (t) { return t.system === SOURCE_ORGANISATION; });
    return tag ? tag.code : null;
  }
  function nhsNumber(patient) {
    var id = (patient.identifier || []).find(function (i) { return i.system === NHS_NUMBER; });
    if (!id || !id.value) { return "Not recorded"; }
    var v = id.value.replace(/\s/g, "");
    return v.length === 10 ? v.slice(0, 3) + " " + v.slice(3, 6) + " " + v.slice(6) : v;
  }
  function age(birthDate) {
    var born = new Date(birthDate), now = new Date();
    var years = now.getFullYear() - born.getFullYear();
    if (now.getMonth() < born.getMonth() || (now.getMonth() === born.getMonth() && now.getDate() < born.getDate())) { years--; }
    return years;
  }
  function nameOf(patient) {
    var name = (patient.name || []).find(function (n) { return n.use === "official"; }) || (patient.name || [])[0];
    if (!name) { return "Name not recorded"; }
    if (name.text) { return name.text; }
    return ((name.given || []).join(" ") + " " + (name.family || "").toUpperCase()).trim();
  }

  function headers() {
    return emergency ? {"X-Purpose-Of-Use": "ETREAT", "X-Break-Glass-Reason": emergency.reason} : {};
  }
  function get(url) {
    return client.request({url: url, headers: headers(), includeResponse: true})
      .then(function (result) { noteWindow(result.response); return {body: result.body}; },
        function (error) { return {error: error}; });
  }
  // a response shown under break-glass says until when the override lasts
  function noteWindow(response) {
    var until = emergency && response && response.headers && response.headers.get("X-Break-Glass-Until");
    if (until && !isNaN(new Date(until))) {
      emergency.until = new Date(until);
      showEmergency();
    }
  }
  function time(d) {
    return d.toLocaleTimeString("en-GB", {hour: "2-digit", minute: "2-digit"});
  }
  function showEmergency() {
    el("emergency-text").textContent = "Opened at " + time(emergency.openedAt) + " for: \u201c" + emergency.reason
      + "\u201d. " + (emergency.until
        ? "It lasts until " + time(emergency.until) + (emergency.until.toDateString() === new Date().toDateString()
          ? "" : " on " + date(emergency.until)) + " (your organisation's policy sets the window)"
        : "It lasts for the window your organisation's policy sets")
      + "; everything you see is recorded, the privacy officer has been alerted, and this access will be reviewed.";
    el("emergency-banner").hidden = false;
  }
  function entries(bundle, type) {
    return ((bundle && bundle.entry) || []).map(function (e) { return e.resource; })
      .filter(function (r) { return r && r.resourceType === type; });
  }
  function notices(bundle) {
    return ((bundle && bundle.entry) || []).filter(function (e) {
      return e.search && e.search.mode === "outcome" && e.resource && e.resource.resourceType === "OperationOutcome";
    }).map(function (e) {
      return (e.resource.issue || []).map(function (i) { return i.diagnostics || text(i.details); }).join(" ");
    });
  }
  function refusal(error) {
    var status = error && error.status;
    var message = (error && error.message) || "The record could not be reached";
    if (status === 403) { return "Not available to you: " + message.replace(/^\d+ [A-Za-z ]+(\n|: )?/, ""); }
    if (status === 401) { return "Your sign-in has ended. Open the record again from your clinical system."; }
    return "Could not load this section (" + (status || "network") + "). Try again in a moment.";
  }

  var SECTIONS = [
    {id: "problems", title: "Problems", type: "Condition",
      url: function (p) { return "Condition?patient=" + p + "&_count=100"; },
      item: function (r) {
        var status = text(r.clinicalStatus);
        return {title: (text(r.code) || "Unnamed problem") + (status ? " (" + status + ")" : ""),
          who: display(r.recorder) || display(r.asserter), when: r.recordedDate || r.onsetDateTime};
      }},
    {id: "medications", title: "Current medications", type: "MedicationRequest",
      url: function (p) { return "MedicationRequest?patient=" + p + "&status=active&_count=100"; },
      item: function (r) {
        var dose = (r.dosageInstruction || [])[0];
        return {title: (text(r.medicationCodeableConcept) || display(r.medicationReference) || "Unnamed medicine")
            + (dose && dose.text ? " – " + dose.text : ""),
          who: display(r.requester), when: r.authoredOn};
      }},
    {id: "allergies", title: "Allergies and adverse reactions", type: "AllergyIntolerance",
      url: function (p) { return "AllergyIntolerance?patient=" + p + "&_count=100"; },
      item: function (r) {
        var reaction = ((r.reaction || [])[0] || {});
        var manifestation = text((reaction.manifestation || [])[0]);
        return {title: (text(r.code) || "Unnamed allergy") + (manifestation ? " – " + manifestation : ""),
          who: display(r.recorder) || display(r.asserter), when: r.recordedDate || r.onsetDateTime};
      }},
    {id: "admissions", title: "Recent admissions and discharges", type: "Encounter",
      url: function (p) { return "Encounter?patient=" + p + "&_sort=-date&_count=10"; },
      item: function (r) {
        var period = r.period || {};
        var kind = text((r.type || [])[0]) || (r["class"] && (r["class"].display || r["class"].code)) || "Encounter";
        var dates = period.start ? "admitted " + date(period.start) + (period.end ? ", discharged " + date(period.end) : ", not yet discharged") : null;
        // the encounter the clinical system launched in (SMART encounter context) is the one the clinician is at
        var inContext = client.encounter && client.encounter.id === r.id;
        return {title: (inContext ? "This admission: " : "") + kind + (dates ? " – " + dates : "")
          + (r.status ? " (" + r.status + ")" : ""), who: display(r.serviceProvider), when: period.start};
      }},
    {id: "results", title: "Latest results", type: "Observation",
      url: function (p) { return "Observation?patient=" + p + "&category=laboratory&_sort=-date&_count=10"; },
      item: function (r) {
        var q = r.valueQuantity;
        var value = q ? q.value + (q.unit ? " " + q.unit : "") : (r.valueString || text(r.valueCodeableConcept));
        return {title: (text(r.code) || "Unnamed result") + (value !== undefined && value !== null ? ": " + value : ""),
          who: display((r.performer || [])[0]), when: r.effectiveDateTime || r.issued};
      }}
  ];

  function renderSection(section, result) {
    var wrapper = make("section", "viewer-section");
    wrapper.id = "section-" + section.id;
    wrapper.setAttribute("aria-labelledby", "heading-" + section.id);
    var heading = make("h2", null, section.title);
    heading.id = "heading-" + section.id;
    wrapper.appendChild(heading);
    if (result.error) {
      wrapper.appendChild(make("p", "viewer-unavailable", refusal(result.error)));
      return {node: wrapper, notices: []};
    }
    var resources = entries(result.body, section.type);
    if (resources.length === 0) {
      wrapper.appendChild(make("p", "viewer-empty", "None recorded."));
    }
    var list = make("ul", "nhsuk-list");
    resources.forEach(function (r) {
      var item = section.item(r);
      var li = make("li", "viewer-item");
      li.appendChild(make("p", "viewer-item__title", item.title));
      var who = item.who || sourceOf(r);
      var meta = [who ? "Recorded by " + who : "Recorder not stated", item.when ? "on " + date(item.when) : null]
        .filter(Boolean).join(" ");
      li.appendChild(make("p", "viewer-item__meta", meta));
      list.appendChild(li);
    });
    if (resources.length) { wrapper.appendChild(list); }
    return {node: wrapper, notices: notices(result.body)};
  }

  function showBanner(patient, needBanner) {
    if (!needBanner) { return; }
    el("banner-name").textContent = nameOf(patient);
    el("banner-nhs").textContent = nhsNumber(patient);
    el("banner-born").textContent = patient.birthDate
      ? date(patient.birthDate) + " (" + age(patient.birthDate) + " years)" : "Not recorded";
    var gp = (patient.generalPractitioner || []).map(function (r) {
      return r.display || (r.reference || "").replace(/^Organization\//, "") || null;
    }).filter(Boolean).join(", ");
    el("banner-gp").textContent = gp || "Not recorded";
    el("patient-banner").hidden = false;
  }

  function load() {
    var patientId = client.patient.id;
    el("status").textContent = "Loading…";
    return Promise.all([get("Patient/" + patientId)].concat(SECTIONS.map(function (s) { return get(s.url(patientId)); })))
      .then(function (results) {
        var patient = results[0];
        var sections = el("sections");
        sections.textContent = "";
        if (patient.error) {
          el("page-title").textContent = "This record is not available to you";
          el("status").textContent = refusal(patient.error);
          offerBreakGlass([patient.error.message || ""]);
          return;
        }
        var needBanner = client.state.tokenResponse.need_patient_banner !== false;
        showBanner(patient.body, needBanner);
        el("page-title").textContent = "Summary" + (needBanner ? "" : " – " + nameOf(patient.body));
        var allNotices = [];
        SECTIONS.forEach(function (section, i) {
          var shown = renderSection(section, results[i + 1]);
          sections.appendChild(shown.node);
          allNotices = allNotices.concat(shown.notices);
        });
        el("status").textContent = "";
        offerBreakGlass(allNotices);
      });
  }

  function offerBreakGlass(messages) {
    var notice = messages.filter(Boolean)[0];
    el("withheld").hidden = !notice;
    if (!notice) { return; }
    el("withheld-text").textContent = notice;
    el("break-glass").hidden = emergency !== null || !/break-glass/i.test(messages.join(" "));
  }

  function breakGlass(event) {
    event.preventDefault();
    var reason = el("break-glass-reason").value.trim();
    var group = el("reason-group");
    if (!reason) {
      el("reason-error").hidden = false;
      group.classList.add("nhsuk-form-group--error");
      el("break-glass-reason").classList.add("nhsuk-textarea--error");
      el("break-glass-reason").focus();
      return;
    }
    el("reason-error").hidden = true;
    group.classList.remove("nhsuk-form-group--error");
    emergency = {reason: reason, openedAt: new Date(), until: null};
    showEmergency();
    load().then(function () { el("page-title").focus(); });
  }

  el("break-glass-form").addEventListener("submit", breakGlass);
  el("page-title").setAttribute("tabindex", "-1");
  FHIR.oauth2.ready().then(function (ready) {
    client = ready;
    var user = ready.getFhirUser && ready.getFhirUser();
    var idToken = ready.getIdToken && ready.getIdToken();
    el("viewer-user").textContent = idToken && idToken.name ? "Signed in as " + idToken.name : (user ? "Signed in as " + user : "");
    return load();
  }).catch(function (error) {
    el("page-title").textContent = "The record could not be opened";
    el("status").textContent = (error && error.message) || String(error);
  });
}());
