// Routes: one routed screen per view; hash history works from file:// (Electron) and http (browser mode).
import { createRouter, createWebHashHistory } from 'vue-router'

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: '/models' },
    { path: '/models', name: 'models', component: () => import('./views/ModelsView.vue') },
    { path: '/datasets', name: 'datasets', component: () => import('./views/DatasetsView.vue') },
    { path: '/experiments', name: 'experiments', component: () => import('./views/ExperimentsView.vue') },
    { path: '/experiments/new', name: 'new-experiment', component: () => import('./views/NewExperimentView.vue') },
    // One run screen for one or more experiments (the "compare models" shortcut runs two in turn).
    { path: '/run/:ids', name: 'run', component: () => import('./views/RunView.vue') },
    { path: '/results/:id', name: 'results', component: () => import('./views/ResultsView.vue') },
    { path: '/compare', name: 'compare', component: () => import('./views/CompareView.vue') },
    // Runs of one spec over several seeds (New experiment → Seeds): their spread and per-record stability.
    { path: '/seeds', name: 'seeds', component: () => import('./views/SeedsView.vue') },
    { path: '/audit-set', name: 'audit-set', component: () => import('./views/AuditSetView.vue') },
    { path: '/:unknown(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue') }
  ]
})
