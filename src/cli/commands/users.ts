import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { isRole, ROLES } from '../../domain/auth/permissions.js';
import { DomainError } from '../../domain/errors/domain-error.js';
import { cliContext } from '../../services/deps.js';
import { readStdin } from '../read-stdin.js';

export function registerUsersCommand(program: Command): void {
  const users = program.command('users').description('manage accounts');

  users
    .command('create')
    .description('create an account; the password is read from stdin')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--name <name>', 'display name (defaults to the email)')
    .action(async (opts: { email: string; role: string; name?: string }) => {
      if (!isRole(opts.role)) {
        console.error(`--role must be one of ${ROLES.join(', ')}`);
        process.exitCode = 2;
        return;
      }
      const password = (await readStdin()).replace(/\r?\n$/, '');
      if (password.length < 12) {
        console.error('password (stdin) must be at least 12 characters');
        process.exitCode = 2;
        return;
      }
      const { openCliDeps } = await import('../cli-deps.js');
      const { createUser } = await import('../../services/users/manage-users.js');
      const deps = await openCliDeps(loadConfig());
      try {
        const user = await createUser(deps, cliContext(), {
          email: opts.email,
          role: opts.role,
          displayName: opts.name ?? opts.email,
          password,
        });
        console.log(`created ${user.role} ${user.email} (${user.id})`);
      } catch (error) {
        if (error instanceof DomainError) {
          console.error(error.message);
          process.exitCode = 2;
        } else throw error;
      } finally {
        await deps.close();
      }
    });

  users
    .command('list')
    .description('list accounts')
    .action(async () => {
      const { openCliDeps } = await import('../cli-deps.js');
      const { listUsers } = await import('../../services/users/manage-users.js');
      const deps = await openCliDeps(loadConfig());
      try {
        for (const u of await listUsers(deps)) {
          console.log(`${u.email}\t${u.role}${u.disabled ? '\tdisabled' : ''}`);
        }
      } finally {
        await deps.close();
      }
    });
}
