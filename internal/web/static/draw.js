// yiyeyicha: the liaison's (联络员) secret for a draw is made and kept in
// the browser; only its commitment is sent (docs/draw-spec.md §7):
//   hex(SHA-256("yiyeyicha-draw-v1/commit" TAB announcement_hash TAB party LF ‖ secret))
// A generated secret is 32 bytes from crypto.getRandomValues; a typed one
// is its UTF-8 bytes. SHA-256 is computed here, not with crypto.subtle,
// because crypto.subtle exists only on HTTPS pages and a county intranet
// may serve the staff side over plain HTTP. The server checks every reveal
// against the commitment, so a fault here could only refuse a reveal,
// never change a draw.
(function () {
  "use strict";

  // The SHA-256 constants: the first 32 bits of the fractional parts of the
  // square roots (H0) and cube roots (K) of the first primes (FIPS 180-4 §4.2.2, §5.3.3).
  var K = new Int32Array(64), H0 = new Int32Array(8);
  (function () {
    var frac = function (x) { return ((x - Math.floor(x)) * 4294967296) | 0; };
    for (var n = 2, i = 0; i < 64; n++) {
      var prime = true;
      for (var d = 2; d * d <= n; d++) {
        if (n % d === 0) { prime = false; break; }
      }
      if (!prime) { continue; }
      if (i < 8) { H0[i] = frac(Math.sqrt(n)); }
      K[i++] = frac(Math.cbrt(n));
    }
  })();

  function sha256(msg) {
    var l = msg.length;
    var n = Math.ceil((l + 9) / 64) * 64;
    var buf = new Uint8Array(n);
    buf.set(msg);
    buf[l] = 0x80;
    var dv = new DataView(buf.buffer);
    dv.setUint32(n - 8, Math.floor(l / 0x20000000));
    dv.setUint32(n - 4, (l * 8) >>> 0);
    var H = Int32Array.from(H0), W = new Int32Array(64);
    for (var off = 0; off < n; off += 64) {
      var t;
      for (t = 0; t < 16; t++) { W[t] = dv.getInt32(off + 4 * t); }
      for (t = 16; t < 64; t++) {
        var x = W[t - 15], y = W[t - 2];
        var s0 = (x >>> 7 | x << 25) ^ (x >>> 18 | x << 14) ^ (x >>> 3);
        var s1 = (y >>> 17 | y << 15) ^ (y >>> 19 | y << 13) ^ (y >>> 10);
        W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
      }
      var a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
      for (t = 0; t < 64; t++) {
        var S1 = (e >>> 6 | e << 26) ^ (e >>> 11 | e << 21) ^ (e >>> 25 | e << 7);
        var t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[t] + W[t]) | 0;
        var S0 = (a >>> 2 | a << 30) ^ (a >>> 13 | a << 19) ^ (a >>> 22 | a << 10);
        var t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      H[0] = (H[0] + a) | 0; H[1] = (H[1] + b) | 0; H[2] = (H[2] + c) | 0; H[3] = (H[3] + d) | 0;
      H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;
    }
    var out = new Uint8Array(32), odv = new DataView(out.buffer);
    for (var i = 0; i < 8; i++) { odv.setInt32(4 * i, H[i]); }
    return out;
  }

  function toHex(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) { s += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16); }
    return s;
  }

  function fromHex(s) {
    if (!/^([0-9a-f]{2})*$/.test(s)) { return null; }
    var out = new Uint8Array(s.length / 2);
    for (var i = 0; i < out.length; i++) { out[i] = parseInt(s.substr(2 * i, 2), 16); }
    return out;
  }

  function utf8(s) { return new TextEncoder().encode(s); }

  function commitment(announcementHash, party, secret) {
    var head = utf8("yiyeyicha-draw-v1/commit\t" + announcementHash + "\t" + party + "\n");
    var msg = new Uint8Array(head.length + secret.length);
    msg.set(head);
    msg.set(secret, head.length);
    return toHex(sha256(msg));
  }

  // The commit form: #secret holds the secret in hex (generated or derived
  // from #secret-typed); it has no name, so it never leaves the browser.
  var form = document.getElementById("commit-form");
  if (form) {
    var hash = form.getAttribute("data-hash"), party = form.getAttribute("data-party");
    var secret = document.getElementById("secret"), typed = document.getElementById("secret-typed");
    var out = document.getElementById("commitment"), status = document.getElementById("secret-status");
    var min = Number(form.getAttribute("data-min")), max = Number(form.getAttribute("data-max"));
    var update = function () {
      var b = fromHex(secret.value.trim());
      if (!b || b.length < min || b.length > max) {
        out.value = "";
        status.textContent = secret.value ? form.getAttribute("data-bad") : "";
        return;
      }
      out.value = commitment(hash, party, b);
      status.textContent = form.getAttribute("data-keep");
    };
    document.getElementById("generate-secret").addEventListener("click", function () {
      var b = new Uint8Array(32);
      window.crypto.getRandomValues(b);
      typed.value = "";
      secret.value = toHex(b);
      update();
    });
    typed.addEventListener("input", function () {
      secret.value = typed.value ? toHex(utf8(typed.value)) : "";
      update();
    });
    secret.addEventListener("input", update);
    document.querySelectorAll(".needs-js").forEach(function (el) { el.hidden = false; });
  }
})();
