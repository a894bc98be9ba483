// An oidc-provider adapter that keeps grants, tokens and sessions in a JSON file, so that a
// restarted provider still honours the refresh tokens it issued, as a production IdP with a
// database does. Used by the fault tests, which stop and restart the provider; without
// IDP_STORE the provider keeps its default in-memory store.
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';

export function fileAdapter(file) {
  const items = new Map(existsSync(file) ? Object.entries(JSON.parse(readFileSync(file, 'utf8'))) : []);
  const save = () => {
    writeFileSync(`${file}.tmp`, JSON.stringify(Object.fromEntries(items)));
    renameSync(`${file}.tmp`, file);
  };
  const now = () => Math.floor(Date.now() / 1000);
  const live = key => {
    const item = items.get(key);
    if (item && item.expiresAt && item.expiresAt <= now()) {
      items.delete(key);
      return undefined;
    }
    return item;
  };
  return class FileAdapter {
    constructor(model) {
      this.model = model;
    }
    key(id) {
      return `${this.model}:${id}`;
    }
    async upsert(id, payload, expiresIn) {
      items.set(this.key(id), { payload, expiresAt: expiresIn ? now() + expiresIn : undefined });
      save();
    }
    async find(id) {
      return live(this.key(id))?.payload;
    }
    async findByUid(uid) {
      for (const [key] of items) {
        const item = key.startsWith(`${this.model}:`) ? live(key) : undefined;
        if (item?.payload.uid === uid) return item.payload;
      }
      return undefined;
    }
    async findByUserCode(userCode) {
      for (const [key] of items) {
        const item = key.startsWith(`${this.model}:`) ? live(key) : undefined;
        if (item?.payload.userCode === userCode) return item.payload;
      }
      return undefined;
    }
    async consume(id) {
      const item = live(this.key(id));
      if (item) {
        item.payload.consumed = now();
        save();
      }
    }
    async destroy(id) {
      items.delete(this.key(id));
      save();
    }
    async revokeByGrantId(grantId) {
      for (const [key, item] of items) if (item.payload.grantId === grantId) items.delete(key);
      save();
    }
  };
}
