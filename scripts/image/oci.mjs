// An OCI image layout (oci-layout, index.json, blobs/sha256/...) in one tar, plus the
// manifest.json that older `docker load` reads. Everything is content-addressed and
// written with fixed times, so the same inputs give the same manifest digest.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { tarEntries } from './tar.mjs';

const sha256 = (data) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const json = (value) => Buffer.from(JSON.stringify(value));

const MEDIA = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
};

/**
 * layers: [{ name, tar }] (uncompressed tars, base first); config: the image config's
 * `config` (User, Env, Entrypoint, Cmd, WorkingDir, Labels); created: ISO time;
 * annotations: the manifest's; ref: the tag, e.g. "kubectl-oda-api:0.1.0".
 */
export function ociArchive({ layers, config, created, annotations, ref, mtime }) {
  const blobs = new Map();
  const addBlob = (data, mediaType, extra = {}) => {
    const digest = sha256(data);
    blobs.set(digest, data);
    return { mediaType, digest, size: data.length, ...extra };
  };
  // Level 9, no name or time in the gzip header (Node writes neither): stable bytes.
  const compressed = layers.map((l) => ({ ...l, gz: gzipSync(l.tar, { level: 9 }) }));
  const imageConfig = {
    created,
    architecture: 'amd64',
    os: 'linux',
    config,
    rootfs: { type: 'layers', diff_ids: compressed.map((l) => sha256(l.tar)) },
    history: compressed.map((l) => ({ created, created_by: l.name, comment: 'scripts/image/build.mjs' })),
  };
  const configDescriptor = addBlob(json(imageConfig), MEDIA.config);
  const layerDescriptors = compressed.map((l) => addBlob(l.gz, MEDIA.layer));
  const manifest = { schemaVersion: 2, mediaType: MEDIA.manifest, config: configDescriptor, layers: layerDescriptors, annotations };
  const manifestDescriptor = addBlob(json(manifest), MEDIA.manifest, {
    annotations: { 'org.opencontainers.image.ref.name': ref.split(':').pop(), 'io.containerd.image.name': ref },
    platform: { architecture: 'amd64', os: 'linux' },
  });
  const index = { schemaVersion: 2, mediaType: MEDIA.index, manifests: [manifestDescriptor] };
  const blobPath = (digest) => `blobs/sha256/${digest.slice('sha256:'.length)}`;
  const dockerManifest = [{ Config: blobPath(configDescriptor.digest), RepoTags: [ref], Layers: layerDescriptors.map((l) => blobPath(l.digest)) }];
  const entries = [
    { path: 'oci-layout', type: 'file', data: json({ imageLayoutVersion: '1.0.0' }) },
    { path: 'index.json', type: 'file', data: json(index) },
    { path: 'manifest.json', type: 'file', data: json(dockerManifest) },
    { path: 'blobs', type: 'dir' },
    { path: 'blobs/sha256', type: 'dir' },
    ...[...blobs].map(([digest, data]) => ({ path: blobPath(digest), type: 'file', data })),
  ];
  return {
    archive: tarEntries(entries, mtime),
    manifestDigest: manifestDescriptor.digest,
    compressedSize: layerDescriptors.reduce((n, l) => n + l.size, 0),
    uncompressedSize: layers.reduce((n, l) => n + l.tar.length, 0),
  };
}
