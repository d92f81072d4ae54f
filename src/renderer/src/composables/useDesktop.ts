// Desktop-only abilities (native file dialogs), present when the Electron preload exposes window.workbenchDesktop.

/** What a native picker is for (the preload declares the bridge on Window). */
export type PickPurpose = Parameters<NonNullable<Window['workbenchDesktop']>['pickPath']>[0]

/** The folder/file picker, or null in browser mode (screens then show a path field only). */
export function useDesktop(): NonNullable<Window['workbenchDesktop']> | null {
  return typeof window !== 'undefined' && window.workbenchDesktop ? window.workbenchDesktop : null
}
