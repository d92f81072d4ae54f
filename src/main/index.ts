// electron-vite's main entry: only starts the Electron app.
import './electron/index'
