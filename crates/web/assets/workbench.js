// liuhen workbench: progressive enhancement only. Every page and form works without this file.
// - Party fields show only what the chosen party kind needs.
// - ID numbers (GB 11643) and unified social credit codes (GB 32100) are checked as they are typed.
// - A chosen evidence file is uploaded at once through the resumable upload routes
//   (/api/v1/cases/{id}/evidence/uploads, tus-style), with a progress bar; a dropped connection
//   resumes from the server's offset. The form then carries only a reference to the stored file.
// - The metadata of a chosen file prefills the form: time (last modified), type, duration.
// - Unsent form values are kept in sessionStorage and offered back if the page is reloaded.
(function () {
  'use strict';
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || '';

  // --- Party kind -----------------------------------------------------------------------------
  document.querySelectorAll('fieldset.party').forEach(function (fs) {
    fs.classList.add('js');
    fs.querySelectorAll('input[type="radio"]').forEach(function (radio) {
      radio.addEventListener('change', function () { fs.dataset.kind = radio.value; });
    });
  });

  // --- Check digits -----------------------------------------------------------------------------
  function idOk(v) {
    if (!/^\d{17}[\dXx]$/.test(v)) return false;
    var w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], s = 0;
    for (var i = 0; i < 17; i++) s += (+v[i]) * w[i];
    return '10X98765432'[s % 11] === v[17].toUpperCase();
  }
  function usccOk(v) {
    var chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(v)) return false;
    var w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], s = 0;
    for (var i = 0; i < 17; i++) s += chars.indexOf(v[i]) * w[i];
    return chars[(31 - s % 31) % 31] === v[17];
  }
  document.querySelectorAll('input[data-check]').forEach(function (input) {
    var out = input.parentElement.querySelector('.check');
    if (!out) { out = document.createElement('p'); out.className = 'check'; input.after(out); }
    function run() {
      var v = input.value.trim().toUpperCase();
      if (!v) { out.textContent = ''; out.className = 'check'; return; }
      if (input.dataset.check === 'id') {
        var typeSel = document.getElementById(input.id.replace(/id_number$/, 'id_type'));
        if (typeSel && typeSel.value && typeSel.value !== '居民身份证') { out.textContent = ''; return; }
        var good = idOk(v);
        out.textContent = good ? '校验码正确' : (v.length < 18 ? '已输入 ' + v.length + ' 位，居民身份证号码为 18 位' : '校验码不正确，请核对');
        out.className = 'check ' + (good ? 'ok' : 'bad');
      } else {
        var ok = usccOk(v);
        out.textContent = ok ? '校验码正确' : (v.length < 18 ? '已输入 ' + v.length + ' 位，统一社会信用代码为 18 位' : '校验码不正确，请核对');
        out.className = 'check ' + (ok ? 'ok' : 'bad');
      }
    }
    input.addEventListener('input', run);
    run();
  });

  // --- List rows: add a row ---------------------------------------------------------------------
  document.querySelectorAll('fieldset.list').forEach(function (fs) {
    var button = document.createElement('button');
    button.type = 'button'; button.className = 'secondary'; button.textContent = '增加一行';
    button.addEventListener('click', function () {
      var rows = fs.querySelectorAll('.row-item');
      var last = rows[rows.length - 1];
      if (!last) return;
      var n = rows.length;
      var copy = last.cloneNode(true);
      copy.dataset.row = n;
      copy.querySelectorAll('[name],[id],[for],[data-key]').forEach(function (el) {
        ['name', 'id', 'for'].forEach(function (a) {
          var v = el.getAttribute(a);
          if (v) el.setAttribute(a, v.replace(/\.(\d+)\./, '.' + n + '.'));
        });
        if (el.dataset.key) el.dataset.key = el.dataset.key.replace(/\.(\d+)\./, '.' + n + '.');
        if (el.value !== undefined && el.type !== 'radio' && el.type !== 'checkbox') el.value = '';
        if (el.checked) el.checked = false;
      });
      copy.querySelectorAll('.error').forEach(function (e) { e.remove(); });
      last.after(copy);
    });
    fs.appendChild(button);
  });

  // --- Drafts in sessionStorage -----------------------------------------------------------------
  document.querySelectorAll('form[data-draft]').forEach(function (form) {
    var key = 'liuhen-draft:' + form.dataset.draft;
    var store;
    try { store = window.sessionStorage; } catch (e) { return; }
    form.addEventListener('input', function () {
      var data = [];
      new FormData(form).forEach(function (v, k) { if (typeof v === 'string' && k !== 'csrf') data.push([k, v]); });
      try { store.setItem(key, JSON.stringify(data)); } catch (e) { /* full or disabled */ }
    });
    form.addEventListener('submit', function () { try { store.removeItem(key); } catch (e) { } });
    var saved = null;
    try { saved = JSON.parse(store.getItem(key) || 'null'); } catch (e) { saved = null; }
    if (!saved || !saved.length) return;
    // The page was reloaded before the form was sent: offer the values back.
    var offer = document.createElement('p');
    offer.className = 'notice';
    var restore = document.createElement('button');
    restore.type = 'button'; restore.className = 'secondary'; restore.textContent = '恢复未提交的内容';
    restore.addEventListener('click', function () {
      var seen = {};
      saved.forEach(function (pair) {
        var els = form.querySelectorAll('[name="' + pair[0].replace(/"/g, '') + '"]');
        els.forEach(function (el) {
          if (el.type === 'checkbox' || el.type === 'radio') {
            if (!seen[pair[0]]) { el.checked = false; }
            if (el.value === pair[1]) el.checked = true;
          } else if (el.type !== 'hidden' && el.type !== 'file') {
            el.value = pair[1];
          }
        });
        seen[pair[0]] = true;
      });
      offer.remove();
    });
    offer.textContent = '此页面有上次未提交的内容。';
    offer.appendChild(restore);
    form.before(offer);
  });

  // --- Evidence files ---------------------------------------------------------------------------
  var form = document.querySelector('form.record-form[data-case]');
  if (!form) return;
  var caseId = form.dataset.case;
  var submits = form.querySelectorAll('button[type="submit"]');
  var CHUNK = 4 * 1024 * 1024;
  var busy = 0;
  submits.forEach(function (b) { if (b.disabled) b.dataset.blocked = '1'; });
  function setBusy(delta) {
    busy += delta;
    submits.forEach(function (b) { if (!b.dataset.blocked) b.disabled = busy > 0; });
  }
  // Form times are Beijing time (the server reads them so), whatever the device's time zone.
  function localValue(date) {
    var p = function (n) { return (n < 10 ? '0' : '') + n; };
    var d = new Date(date.getTime() + 8 * 3600 * 1000);
    return d.getUTCFullYear() + '-' + p(d.getUTCMonth() + 1) + '-' + p(d.getUTCDate()) + 'T' + p(d.getUTCHours()) + ':' + p(d.getUTCMinutes());
  }
  function request(method, url, headers, body, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader('X-CSRF-Token', csrf);
      xhr.setRequestHeader('Tus-Resumable', '1.0.0');
      Object.keys(headers).forEach(function (h) { xhr.setRequestHeader(h, headers[h]); });
      if (onProgress && xhr.upload) xhr.upload.onprogress = onProgress;
      xhr.onload = function () { resolve(xhr); };
      xhr.onerror = function () { reject(new Error('network')); };
      xhr.send(body);
    });
  }
  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  async function upload(file, show) {
    var base = '/api/v1/cases/' + encodeURIComponent(caseId) + '/evidence/uploads';
    var created = await request('POST', base, { 'Upload-Length': String(file.size) }, null);
    if (created.status !== 201) throw new Error('create ' + created.status);
    var location = created.getResponseHeader('Location') || JSON.parse(created.responseText).location;
    var offset = 0, failures = 0;
    while (offset < file.size) {
      try {
        var start = offset;
        var res = await request('PATCH', location, {
          'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream'
        }, file.slice(offset, Math.min(offset + CHUNK, file.size)), function (e) {
          show(start + (e.loaded || 0));
        });
        if (res.status === 204 || res.status === 409) {
          offset = parseInt(res.getResponseHeader('Upload-Offset'), 10) || offset;
          failures = 0;
        } else {
          throw new Error('patch ' + res.status);
        }
      } catch (err) {
        // A dropped connection: ask the server how far it got, then go on from there.
        failures += 1;
        if (failures > 20) throw err;
        show(offset, '网络中断，正在续传……');
        await sleep(Math.min(1000 * failures, 8000));
        try {
          var head = await request('HEAD', location, {}, null);
          if (head.status === 200) offset = parseInt(head.getResponseHeader('Upload-Offset'), 10) || 0;
        } catch (e) { /* still offline */ }
      }
      show(offset);
    }
    var finished = await request('POST', location + '/finish', {}, null);
    if (finished.status !== 200 && finished.status !== 201) throw new Error('finish ' + finished.status);
    return JSON.parse(finished.responseText);
  }

  function prefill(file, box, info) {
    var when = file.lastModified ? new Date(file.lastModified) : null;
    var start = form.querySelector('#event_time');
    var end = form.querySelector('#event_end');
    var kind = file.type.split('/')[0];
    var size = file.size < 1048576 ? (file.size / 1024).toFixed(1) + ' KB' : (file.size / 1048576).toFixed(1) + ' MB';
    info.textContent = file.name + '，' + size + (when ? '，拍摄或修改时间 ' + localValue(when).replace('T', ' ') : '');
    if (kind === 'image') {
      var img = box.querySelector('img.preview') || document.createElement('img');
      img.className = 'preview'; img.alt = '所选照片预览';
      img.src = URL.createObjectURL(file);
      info.after(img);
    }
    if (!box.classList.contains('av')) return;
    // R27 metadata from the file itself: type, time, and for recordings the duration.
    var media = form.querySelector('select[name="f.media_type"]');
    if (media) media.value = kind === 'image' ? '照片' : kind === 'audio' ? '录音' : kind === 'video' ? '录像' : media.value;
    var device = form.querySelector('select[name="f.device_type"]');
    if (device && !device.value && kind === 'image') device.value = '照相机';
    if (!when || !start) return;
    if (kind === 'video' || kind === 'audio') {
      var el = document.createElement(kind);
      el.preload = 'metadata';
      el.onloadedmetadata = function () {
        var secs = isFinite(el.duration) ? el.duration : 0;
        // lastModified is when recording stopped: the start is that minus the duration.
        start.value = localValue(new Date(when.getTime() - secs * 1000));
        if (end) end.value = localValue(when);
        info.textContent += '，时长 ' + Math.round(secs) + ' 秒';
        URL.revokeObjectURL(el.src);
      };
      el.src = URL.createObjectURL(file);
    } else {
      start.value = localValue(when);
      if (end && !end.value) end.value = localValue(when);
    }
  }

  form.querySelectorAll('input[type="file"]').forEach(function (input) {
    var box = input.closest('.field');
    var bar = box.querySelector('.progress');
    var progress = bar.querySelector('progress');
    var pct = bar.querySelector('.pct');
    var info = box.querySelector('.file-info');
    var tag = input.name.indexOf('file.f.') === 0 ? input.name.slice(7) : '';
    input.addEventListener('change', async function () {
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length) return;
      prefill(files[0], box, info);
      bar.hidden = false;
      setBusy(1);
      try {
        for (var i = 0; i < files.length; i++) {
          var file = files[i];
          progress.value = 0; pct.textContent = '0%';
          var blob = await upload(file, function (done, note) {
            progress.value = Math.floor(done * 100 / Math.max(file.size, 1));
            pct.textContent = note || (progress.value + '%');
          });
          var hidden = document.createElement('input');
          hidden.type = 'hidden'; hidden.name = 'uploaded';
          hidden.value = [blob.sha256, blob.sm3, blob.size, blob.media_type, tag, file.name.replace(/\|/g, '_')].join('|');
          var done = document.createElement('p');
          done.className = 'uploaded';
          done.textContent = '已上传：' + file.name;
          done.appendChild(hidden);
          bar.before(done);
        }
        // The files are stored; the form now carries only their references.
        input.value = '';
        pct.textContent = '上传完成';
      } catch (err) {
        pct.textContent = '上传未完成，保存时将随表单一并上传';
      } finally {
        setBusy(-1);
      }
    });
  });
})();
