// Types of uv-threadpool.cjs (CommonJS, so that the launchers can load it before anything else).
export declare function uvThreadpoolSize(cores: number): number
export declare function uvThreadpoolOf(env: Record<string, string | undefined>): number
export declare function withUvThreadpool<E extends Record<string, string | undefined>>(env: E, cores?: number): E
