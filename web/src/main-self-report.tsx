import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { SelfReportPage } from './features/self-report/self-report-page.js';
import './styles.css';

// The patient's phone loads this entry alone (web/self-report.html, served for /r/<token>):
// no router, no clinician screens, no charts. ADR 0016.
const root = document.getElementById('root');
if (!root) throw new Error('#root missing');
createRoot(root).render(
  <StrictMode>
    <SelfReportPage token={selfReportToken(window.location.pathname)} />
  </StrictMode>,
);

/** `/r/<token>` → the token (base64url, so decoding changes nothing but is harmless). */
function selfReportToken(pathname: string): string {
  const segment = pathname.replace(/^\/r\//, '').split('/')[0] ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
