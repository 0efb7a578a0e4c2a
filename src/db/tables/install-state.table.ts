/** A single row (id = 1) claimed by the first-run set-up; its primary key makes the claim race-safe. */
export interface InstallStateTable {
  id: number;
  first_admin_id: string;
  completed_at: string;
}
