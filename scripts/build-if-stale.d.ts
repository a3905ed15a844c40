export declare const APPS: string[];
export declare const ROOT: string;
export declare function buildIfStale(log?: (line: string) => void): void;
