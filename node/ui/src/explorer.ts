// The block explorer served by the node at `/`: a header with navigation and search, one view
// rebuilt per hash route, and one live stream from /events.
import { connectLive } from './live.js'
import { HashRouter, go } from './router.js'
import { accountPage } from './pages/account.js'
import { blockPage, heightPage } from './pages/block.js'
import { blocksPage } from './pages/blocks.js'
import { notFound, showError } from './pages/common.js'
import { dashboardPage } from './pages/dashboard.js'
import { peersPage } from './pages/peers.js'
import { poolPage } from './pages/pool.js'
import { searchPage } from './pages/search.js'
import { txPage } from './pages/tx.js'
import { votesPage } from './pages/votes.js'

function main (): void {
  const view = document.getElementById('view')
  const live = document.getElementById('live')
  const form = document.getElementById('search')
  const input = document.getElementById('q')
  if (view === null || live === null || !(form instanceof HTMLFormElement) || !(input instanceof HTMLInputElement)) return
  // The skip link moves focus to the page without touching the URL (the hash holds the route).
  document.querySelector('.skip')?.addEventListener('click', ev => { ev.preventDefault(); view.focus() })
  form.addEventListener('submit', ev => {
    ev.preventDefault()
    const q = input.value.trim()
    if (q !== '') { go(`#/search/${encodeURIComponent(q)}`); input.select() }
  })
  const hex = '([0-9a-fA-F]{64})'
  new HashRouter(view, ({ view: v }) => { notFound(v) }, showError)
    .add(/^\/$/, 'Dashboard', dashboardPage)
    .add(/^\/blocks$/, 'Blocks', blocksPage)
    .add(new RegExp(`^/block/${hex}$`), 'Block', blockPage)
    .add(/^\/height\/(\d{1,15})$/, 'Block', heightPage)
    .add(new RegExp(`^/tx/${hex}$`), 'Transaction', txPage)
    .add(new RegExp(`^/account/${hex}$`), 'Account', accountPage)
    .add(/^\/pool$/, 'Pool', poolPage)
    .add(/^\/peers$/, 'Peers', peersPage)
    .add(/^\/votes$/, 'Votes', votesPage)
    .add(/^\/search\/(.{1,200})$/, 'Search', searchPage)
    .start()
  connectLive(live)
}

main()
