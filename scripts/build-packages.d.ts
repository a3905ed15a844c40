/** Each package's folder, in build order. */
export declare const PACKAGES: string[];
/** Where the tarballs go. */
export declare const OUT: string;
/** Builds every package with tsc (JS and .d.ts). */
export declare function build(): void;
/** Packs every package into `destination` (default OUT); the tarballs' paths. */
export declare function pack(destination?: string): string[];
