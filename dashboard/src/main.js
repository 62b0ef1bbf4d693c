import { render } from 'preact';
import { html } from './lib/html.js';
import { App } from './app.js';
import './styles/console.css';

render(html`<${App} />`, document.getElementById('app'));
