/** Entry point of `npm start` (node dist/collector/main.js [options]); see collector/service/serve.ts. */
import { reportStartFailure, serveMain } from './service/serve.js';

serveMain(process.argv.slice(2)).catch(reportStartFailure);
