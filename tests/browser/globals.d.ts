// What the fixture pages and the tests put on a page's window (page.evaluate callbacks).
interface Window { [name: string]: any }
