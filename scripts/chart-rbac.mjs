#!/usr/bin/env node
// Writes the chart's RBAC rules from src/deploy/rbac.ts (run through `npm run chart:rbac`,
// which builds first): the chart and `kubectl oda-api manifests` grant the same.
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHART_RBAC_FILE, chartRbacYaml } from '../dist/deploy/chart-rbac.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
writeFileSync(join(root, CHART_RBAC_FILE), chartRbacYaml());
console.error(`wrote ${CHART_RBAC_FILE}`);
