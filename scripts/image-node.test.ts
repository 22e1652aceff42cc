import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { imageNodeMajor } from './image-node.ts';

test('the Node major of the service image is read from its Dockerfile', () => {
  const dockerfile = readFileSync(new URL('../services/Dockerfile', import.meta.url), 'utf8');
  const major = imageNodeMajor(dockerfile);
  assert.ok(major >= 22, `services/Dockerfile deploys Node ${major}`);
  assert.equal(imageNodeMajor('FROM node:24-slim AS a\nRUN true\nFROM node:24-slim\n'), 24);
});

test('a Dockerfile with no Node base image, or two majors, is refused', () => {
  assert.throws(() => imageNodeMajor('FROM debian:12\n'), /found: none/);
  assert.throws(() => imageNodeMajor('FROM node:22 AS build\nFROM node:24-slim\n'), /found: 22, 24/);
});
