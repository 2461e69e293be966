/* Connection self-check against this server (the LibreSpeed method, DOMAIN.md §5).
 * Plain JavaScript, no library. Everything the page says comes from data attributes
 * rendered (and translated) by the template; durations come from there too so tests can
 * shorten them.
 */
(function () {
  "use strict";

  var root = document.getElementById("netcheck");
  if (!root) { return; }
  var d = root.dataset;
  var cfg = {
    downloadSeconds: parseFloat(d.downloadSeconds),
    uploadSeconds: parseFloat(d.uploadSeconds),
    stabilitySeconds: parseFloat(d.stabilitySeconds),
    streams: parseInt(d.streams, 10),
    downloadBytes: parseInt(d.downloadBytes, 10),
    uploadBytes: parseInt(d.uploadBytes, 10),
    width: parseFloat(d.chartWidth),
    height: parseFloat(d.chartHeight),
    sampleMs: 200,
    downloadGraceMs: 1500,
    uploadGraceMs: 3000,
    pingCount: 10,
    pingTimeoutMs: 1000
  };
  var els = {
    start: document.getElementById("nc-start"),
    phase: document.getElementById("nc-phase"),
    bar: document.getElementById("nc-bar"),
    live: document.getElementById("nc-live"),
    liveLabel: document.getElementById("nc-live-label"),
    liveUnit: document.getElementById("nc-live-unit"),
    down: document.getElementById("nc-down"),
    up: document.getElementById("nc-up"),
    ping: document.getElementById("nc-ping"),
    jitter: document.getElementById("nc-jitter"),
    loss: document.getElementById("nc-loss"),
    line: document.getElementById("nc-chart-line"),
    form: document.getElementById("nc-save"),
    submit: document.getElementById("nc-submit")
  };
  var csrf = els.form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var liveLine = document.getElementById("nc-live-line");
  var saveUrl = els.form.getAttribute("action");
  var saveLabel = els.submit.textContent;
  var run = null;

  function say(text) { els.phase.textContent = text; }
  function fill(text, value) { return text.replace("{s}", String(value)); }
  /* The live figure says what it is: a speed while data flows, a latency while pinging. */
  function liveAs(label, unit) {
    els.liveLabel.textContent = label;
    els.liveUnit.textContent = unit;
    els.live.textContent = "—";
  }
  function progress(fraction) {
    var pct = Math.max(0, Math.min(100, Math.round(fraction * 100)));
    els.bar.value = pct;
    els.bar.textContent = pct + "%";
  }
  function fmt(value) {
    if (value === null || !isFinite(value)) { return "—"; }
    return value >= 100 ? value.toFixed(0) : value.toFixed(1);
  }
  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  function url(base, extra) {
    var q = "run=" + encodeURIComponent(run) + "&r=" + Math.random().toString(36).slice(2);
    return base + "?" + q + (extra || "");
  }
  function setField(name, value) {
    var input = els.form.querySelector("input[name=" + name + "]");
    if (input) { input.value = value; }
  }

  /* One tiny request; its time from Resource Timing where the browser has it. */
  function pingOnce(timeoutMs) {
    var target = url(d.pingUrl);
    var ctrl = "AbortController" in window ? new AbortController() : null;
    var timer = ctrl ? setTimeout(function () { ctrl.abort(); }, timeoutMs) : null;
    var t0 = performance.now();
    return fetch(target, { cache: "no-store", credentials: "same-origin", signal: ctrl && ctrl.signal })
      .then(function (resp) {
        // Wait for the (empty) body so the Resource Timing entry exists.
        return resp.arrayBuffer().then(function () { return resp; });
      })
      .then(function (resp) {
        var elapsed = performance.now() - t0;
        if (timer) { clearTimeout(timer); }
        if (resp.status !== 204) { throw new Error("ping " + resp.status); }
        var entries = performance.getEntriesByName
          ? performance.getEntriesByName(new URL(target, location.href).href) : [];
        var entry = entries.length ? entries[entries.length - 1] : null;
        if (entry && entry.responseStart > 0 && entry.requestStart > 0) {
          elapsed = Math.max(0.1, entry.responseStart - entry.requestStart);
        }
        if (performance.clearResourceTimings && entries.length > 100) {
          performance.clearResourceTimings();
        }
        return elapsed;
      }, function (err) {
        if (timer) { clearTimeout(timer); }
        throw err;
      });
  }

  function jitterOf(series) {
    var jitter = 0;
    for (var i = 1; i < series.length; i++) {
      var diff = Math.abs(series[i] - series[i - 1]);
      jitter = diff > jitter ? jitter * 0.3 + diff * 0.7 : jitter * 0.8 + diff * 0.2;
    }
    return jitter;
  }

  async function measurePing() {
    say(d.msgPing);
    liveAs(d.msgLiveLatency, "ms");
    var times = [];
    for (var i = 0; i < cfg.pingCount; i++) {
      try {
        times.push(await pingOnce(2000));
        els.live.textContent = fmt(times[times.length - 1]);
      } catch (e) { /* counted in stability */ }
      progress(0.05 * (i + 1) / cfg.pingCount);
    }
    if (!times.length) { throw new Error("no ping"); }
    return { ping: Math.min.apply(null, times), jitter: jitterOf(times) };
  }

  /* Throughput sampler shared by download and upload: bytes since the grace period. */
  function Meter(graceMs) {
    this.bytes = 0;
    this.start = performance.now();
    this.graceMs = graceMs;
    this.graceBytes = null;
    this.graceAt = null;
    this.mbps = 0;
  }
  Meter.prototype.sample = function () {
    var now = performance.now();
    if (this.graceAt === null) {
      if (now - this.start >= this.graceMs) { this.graceAt = now; this.graceBytes = this.bytes; }
      var early = (now - this.start) / 1000;
      return early > 0 ? (this.bytes * 8) / early / 1e6 : 0;
    }
    var secs = (now - this.graceAt) / 1000;
    if (secs > 0) { this.mbps = ((this.bytes - this.graceBytes) * 8) / secs / 1e6; }
    return this.mbps;
  };
  Meter.prototype.result = function () {
    // A test shorter than its grace period still reports something honest.
    if (this.graceAt === null || this.mbps === 0) {
      var secs = (performance.now() - this.start) / 1000;
      return secs > 0 ? (this.bytes * 8) / secs / 1e6 : 0;
    }
    return this.mbps;
  };

  async function timed(seconds, meter, from, span, stop) {
    var end = performance.now() + seconds * 1000;
    while (performance.now() < end && !stop.done) {
      await sleep(cfg.sampleMs);
      var mbps = meter.sample();
      els.live.textContent = fmt(mbps);
      progress(from + span * (1 - Math.max(0, end - performance.now()) / (seconds * 1000)));
    }
    stop.done = true;
  }

  async function downloadStream(meter, stop, controllers) {
    while (!stop.done) {
      var ctrl = new AbortController();
      controllers.push(ctrl);
      var resp;
      try {
        resp = await fetch(url(d.downloadUrl, "&size=" + cfg.downloadBytes),
          { cache: "no-store", credentials: "same-origin", signal: ctrl.signal });
      } catch (e) { return; }
      if (!resp.ok || !resp.body) { return; }
      var reader = resp.body.getReader();
      try {
        for (;;) {
          var chunk = await reader.read();
          if (chunk.done || stop.done) { break; }
          meter.bytes += chunk.value.byteLength;
        }
      } catch (e) { return; }
      if (stop.done) { ctrl.abort(); }
    }
  }

  async function measureDownload() {
    say(d.msgDownload);
    liveAs(d.msgLiveSpeed, "Mbps");
    var meter = new Meter(cfg.downloadGraceMs);
    var stop = { done: false };
    var controllers = [];
    var streams = [];
    for (var i = 0; i < cfg.streams; i++) {
      streams.push(downloadStream(meter, stop, controllers));
      await sleep(50);
    }
    var allDone = Promise.all(streams).then(function () { stop.done = true; });
    await Promise.race([timed(cfg.downloadSeconds, meter, 0.05, 0.3, stop), allDone]);
    stop.done = true;
    controllers.forEach(function (c) { try { c.abort(); } catch (e) { /* already done */ } });
    meter.sample();
    return meter.result();
  }

  function randomBlob(size) {
    var part = new Uint8Array(Math.min(size, 1024 * 1024));
    for (var off = 0; off < part.length; off += 65536) {
      crypto.getRandomValues(part.subarray(off, Math.min(part.length, off + 65536)));
    }
    var parts = [];
    for (var left = size; left > 0; left -= part.length) {
      parts.push(left >= part.length ? part : part.subarray(0, left));
    }
    return new Blob(parts, { type: "application/octet-stream" });
  }

  function uploadStream(meter, stop, blob, xhrs) {
    return new Promise(function (resolve) {
      function next() {
        if (stop.done) { resolve(); return; }
        var xhr = new XMLHttpRequest();
        var sent = 0;
        xhrs.push(xhr);
        xhr.open("POST", url(d.uploadUrl));
        xhr.setRequestHeader("X-CSRFToken", csrf);
        xhr.upload.onprogress = function (ev) {
          meter.bytes += ev.loaded - sent;
          sent = ev.loaded;
        };
        xhr.onload = function () {
          if (xhr.status !== 200) { resolve(); return; }
          meter.bytes += blob.size - sent;
          next();
        };
        xhr.onerror = xhr.onabort = function () { resolve(); };
        xhr.send(blob);
      }
      next();
    });
  }

  async function measureUpload() {
    say(d.msgUpload);
    liveAs(d.msgLiveSpeed, "Mbps");
    var blob = randomBlob(cfg.uploadBytes);
    var meter = new Meter(cfg.uploadGraceMs);
    var stop = { done: false };
    var xhrs = [];
    var streams = [];
    for (var i = 0; i < cfg.streams; i++) {
      streams.push(uploadStream(meter, stop, blob, xhrs));
      await sleep(50);
    }
    var allDone = Promise.all(streams).then(function () { stop.done = true; });
    await Promise.race([timed(cfg.uploadSeconds, meter, 0.35, 0.3, stop), allDone]);
    stop.done = true;
    xhrs.forEach(function (x) { try { x.abort(); } catch (e) { /* already done */ } });
    meter.sample();
    return meter.result();
  }

  function drawSeries(series) {
    var known = series.filter(function (v) { return v !== null; });
    var top = Math.max.apply(null, known.concat([1]));
    var pad = 4;
    var step = (cfg.width - 2 * pad) / Math.max(1, series.length - 1);
    var pts = [];
    series.forEach(function (v, i) {
      if (v === null) { return; }
      var y = cfg.height - pad - (cfg.height - 2 * pad) * v / top;
      pts.push((pad + i * step).toFixed(1) + "," + y.toFixed(1));
    });
    els.line.setAttribute("points", pts.join(" "));
  }

  async function measureStability() {
    say(fill(d.msgStability, Math.round(cfg.stabilitySeconds)));
    liveAs(d.msgLiveLatency, "ms");
    var series = [];
    var failed = 0;
    var pending = [];
    var begin = performance.now();
    var end = begin + cfg.stabilitySeconds * 1000;
    var tick = 0;
    while (performance.now() < end) {
      var slot = series.length;
      series.push(null);
      pending.push(pingOnce(cfg.pingTimeoutMs).then(
        function (i) { return function (ms) { series[i] = Math.round(ms * 10) / 10; }; }(slot),
        function () { failed += 1; }
      ));
      tick += 1;
      if (tick % 5 === 0) {
        drawSeries(series);
        progress(0.65 + 0.35 * (performance.now() - begin) / (cfg.stabilitySeconds * 1000));
        var recent = series.slice(-5).filter(function (v) { return v !== null; });
        els.live.textContent = recent.length ? fmt(Math.min.apply(null, recent)) : "—";
      }
      await sleep(cfg.sampleMs);
    }
    await Promise.all(pending);
    drawSeries(series);
    var loss = series.length ? (100 * failed) / series.length : 100;
    var answered = series.filter(function (v) { return v !== null; });
    return { series: series, loss: loss, jitter: answered.length >= 10 ? jitterOf(answered) : null };
  }

  async function startRun() {
    var resp = await fetch(d.startUrl, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "X-CSRFToken": csrf }
    });
    if (resp.status === 429) {
      var body = await resp.json();
      var err = new Error("rate");
      err.retryAfter = body.retry_after;
      throw err;
    }
    if (!resp.ok) { throw new Error("start " + resp.status); }
    return (await resp.json()).run;
  }

  /* Store the finished run at once (a result is not lost because nobody pressed a
   * button); the server refuses a second save of the same run. */
  async function autoSave() {
    try {
      var resp = await fetch(saveUrl, {
        method: "POST", credentials: "same-origin", cache: "no-store",
        headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
        body: new FormData(els.form)
      });
      if (resp.status === 201) { return await resp.json(); }
    } catch (e) { /* fall back to the button */ }
    return null;
  }

  async function runAll() {
    els.start.disabled = true;
    els.submit.disabled = true;
    els.form.setAttribute("action", saveUrl);
    els.submit.textContent = saveLabel;
    root.dataset.state = "running";
    root.setAttribute("aria-busy", "true");
    liveLine.hidden = false;
    progress(0);
    try {
      say(d.msgStarting);
      run = await startRun();
      setField("run", run);
      var p = await measurePing();
      els.ping.textContent = fmt(p.ping);
      els.jitter.textContent = fmt(p.jitter);
      var down = await measureDownload();
      els.down.textContent = fmt(down);
      var up = await measureUpload();
      els.up.textContent = fmt(up);
      var s = await measureStability();
      // The stability run has many more successive pings than the ping phase: use it.
      var jitter = s.jitter === null ? p.jitter : s.jitter;
      els.jitter.textContent = fmt(jitter);
      els.loss.textContent = fmt(s.loss);
      progress(1);
      setField("download_mbps", down.toFixed(2));
      setField("upload_mbps", up.toFixed(2));
      setField("ping_ms", p.ping.toFixed(1));
      setField("jitter_ms", jitter.toFixed(1));
      setField("loss_pct", s.loss.toFixed(1));
      setField("ping_series", JSON.stringify(s.series.slice(0, 1000)));
      var saved = await autoSave();
      if (saved) {
        // From now on the form corrects the saved result instead of saving another.
        els.form.setAttribute("action", saved.edit_url);
        els.submit.textContent = d.msgUpdate;
        root.dataset.state = "saved";
        say(d.msgSaved.replace("{place}", saved.place).replace("{link}", saved.link));
      } else {
        root.dataset.state = "done";
        say(d.msgSaveFailed);
      }
      els.submit.disabled = false;
    } catch (e) {
      root.dataset.state = "error";
      say(e && e.message === "rate" ? fill(d.msgRate, e.retryAfter) : d.msgError);
    } finally {
      // The live figure means something only while data flows.
      liveLine.hidden = true;
      root.removeAttribute("aria-busy");
      els.start.disabled = false;
    }
  }

  if (!window.fetch || !window.ReadableStream || !window.AbortController || !window.crypto) {
    say(d.msgUnsupported);
    els.start.disabled = true;
    return;
  }
  els.start.addEventListener("click", runAll);
}());
