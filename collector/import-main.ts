/** Entry point of `npm run import`; see collector/service/run-import.ts. */
import { importMain, reportImportFailure } from './service/run-import.js';

importMain(process.argv.slice(2)).catch(reportImportFailure);
