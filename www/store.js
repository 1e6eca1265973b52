// The current image: its z~ (64 floats), where it came from, and a version that grows on every
// change. Panels listen for 'change' (detail.origin says who changed it).

export class Current extends EventTarget {
  constructor() {
    super();
    this.zt = null;
    this.source = '';
    this.origin = '';
    this.version = 0;
    /** z~ of the last image picked or drawn (what "Reset" returns to). */
    this.base = null;
  }

  set(zt, { source = this.source, origin = 'pick', base = false } = {}) {
    this.zt = Float32Array.from(zt);
    this.source = source;
    this.origin = origin;
    this.version += 1;
    if (base) this.base = Float32Array.from(zt);
    this.dispatchEvent(new CustomEvent('change', { detail: { origin, version: this.version } }));
  }
}
